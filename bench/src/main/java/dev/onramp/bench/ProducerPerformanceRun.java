package dev.onramp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.management.OperatingSystemMXBean;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Kafka's own ProducerPerformance in a JVM of its own, as the like-for-like baseline of ingest: the same broker, the
 * same producer settings as ingest's transaction lanes, keyed records with payloads from a file, transactions. The
 * parent's CPU over the run is the broker's; the child prints its own.
 */
final class ProducerPerformanceRun {
    private ProducerPerformanceRun() {
    }

    /** Records/s (the steady-state summary when there is one), and CPU per record: broker (this process) and client. */
    record Result(double perSecond, ProcessCpu.Span brokerCpu, double clientMicrosPerRecord) {
    }

    /** With {@code transactionMs} 0, no transactions: the producer batches freely. */
    static Result run(String bootstrap, String topic, Path payloads, int records, int transactionMs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records", String.valueOf(records), "--throughput", "-1",
                "--payload-file", payloads.toString(), "--key-distribution", "random", "--record-key-range", "100000",
                "--warmup-records", String.valueOf(records / 5)));
        if (transactionMs > 0) {
            args.addAll(List.of("--transaction-duration-ms", String.valueOf(transactionMs)));
        }
        args.addAll(List.of("--command-property", "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true",
                "compression.type=lz4", "linger.ms=0"));
        ProcessCpu cpu = ProcessCpu.start();
        Process child = ChildJvm.builder(ProducerPerformanceRun.class.getName(), args).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = child.waitFor();
        Matcher summary = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec").matcher(output);
        double last = -1;
        while (summary.find()) {
            last = Double.parseDouble(summary.group(2));
        }
        Matcher clientCpu = Pattern.compile("cpuNanos=(\\d+)").matcher(output);
        if (exit != 0 || last < 0 || !clientCpu.find()) {
            throw new IllegalStateException("ProducerPerformance failed (exit " + exit + "):\n" + output);
        }
        return new Result(last, cpu.stop(records), Long.parseLong(clientCpu.group(1)) / 1e3 / records);
    }

    /** Payload lines the sizes of ingest's two records per webhook (raw webhook, session event), cut from a real body. */
    static List<String> payloads(String body, int rawSize, int eventSize) {
        List<String> lines = new ArrayList<>();
        String text = body.replace("\n", " ");
        while (text.length() < rawSize) {
            text = text + text;
        }
        lines.add(text.substring(0, rawSize));
        lines.add(text.substring(text.length() - eventSize));
        return lines;
    }

    public static void main(String[] args) throws Exception {
        ProducerPerformance.main(args);
        System.out.println("cpuNanos=" + ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
    }
}
