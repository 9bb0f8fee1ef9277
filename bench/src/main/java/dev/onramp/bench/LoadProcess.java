package dev.onramp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link WebhookLoad} in a JVM of its own, so that what this process spends is the service's (and the broker's) alone.
 * The parent measures its own CPU from the child's {@code begin} line to its {@code end} line.
 */
final class LoadProcess implements AutoCloseable {
    private final Process process;
    private final Writer commands;
    private final BufferedReader answers;

    private LoadProcess(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static LoadProcess start(InetSocketAddress target, String secret) throws IOException {
        List<String> args = List.of(target.getHostString(), String.valueOf(target.getPort()), secret);
        return new LoadProcess(ChildJvm.builder(WebhookLoad.class.getName(), args).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** What one phase did, and what it cost this process (service and broker) per webhook, in all and by thread. */
    record Measured(WebhookLoad.Result result, ProcessCpu.Span serviceCpu, ThreadCpu.Split byThread) {
    }

    /** A phase: closed loop when {@code perSecond} is 0, else that fixed rate. */
    Measured run(String name, int connections, int seconds, double perSecond) throws IOException {
        commands.write(name + " " + connections + " " + seconds + " " + perSecond + "\n");
        commands.flush();
        ProcessCpu cpu = null;
        ThreadCpu threads = null;
        for (String line; (line = answers.readLine()) != null; ) {
            if (line.equals("begin " + name)) {
                cpu = ProcessCpu.start();
                threads = ThreadCpu.start();
            } else if (line.startsWith("end " + name + " ") && cpu != null) {
                WebhookLoad.Result result = parse(line);
                long count = Math.max(1, result.count());
                return new Measured(result, cpu.stop(count), threads.stop(count));
            }
        }
        throw new IOException("the load generator ended without finishing " + name);
    }

    private static WebhookLoad.Result parse(String line) {
        Map<String, String> values = new HashMap<>();
        for (String pair : line.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        long count = Long.parseLong(values.get("count"));
        return new WebhookLoad.Result(count, Double.parseDouble(values.get("perSecond")), Long.parseLong(values.get("failures")),
                new WebhookLoad.Latency(count, Double.parseDouble(values.get("p50")), Double.parseDouble(values.get("p99")),
                        Double.parseDouble(values.get("p999")), Double.parseDouble(values.get("max"))),
                Long.parseLong(values.get("generatorCpuNanos")));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        commands.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
