package dev.onramp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.onramp.devstack.http.PlainHttpConnection;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;
import org.HdrHistogram.Histogram;

/**
 * N keep-alive HTTP/1.1 connections posting freshly signed webhooks over plain blocking sockets, in one of two modes:
 * closed loop (each connection posts as soon as its previous answer came back: the saturation throughput) or fixed
 * rate (a schedule of one webhook every 1/rate s, shared by the connections: each latency counts from the moment its
 * webhook was due, so a stalled service is charged for every webhook it held up, not only for the one it was
 * answering; no coordinated omission). Latencies go into an HdrHistogram.
 *
 * <p>Over {@link PlainHttpConnection}, not {@code java.net.http.HttpClient}: a socket per connection costs almost
 * nothing, so the figure is the service's, not the client's. {@link #main} runs it as its own process, driven over
 * stdin (see {@link LoadProcess}), so the service's process does not pay for it.
 */
final class WebhookLoad {
    private static final String TEMPLATE = OnrampEvents.sessionUpdated("evt_TEMPLATE", "cos_TEMPLATE", "fulfillment_processing", 1_700_000_000L);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long MAX_LATENCY_MICROS = Duration.ofMinutes(10).toNanos() / 1000;

    private final InetSocketAddress address;
    private final String secret;
    private final AtomicLong sequence = new AtomicLong();

    WebhookLoad(InetSocketAddress address, String secret) {
        this.address = address;
        this.secret = secret;
    }

    /** generatorCpuNanos: CPU the load threads themselves spent (signing, writing, reading), so it can be told apart. */
    record Result(long count, double perSecond, long failures, Latency latency, long generatorCpuNanos) {
    }

    /** Percentiles of an HdrHistogram of microseconds, in milliseconds. */
    record Latency(long count, double p50Ms, double p99Ms, double p999Ms, double maxMs) {
        static Latency of(Histogram micros) {
            return new Latency(micros.getTotalCount(), micros.getValueAtPercentile(50) / 1e3,
                    micros.getValueAtPercentile(99) / 1e3, micros.getValueAtPercentile(99.9) / 1e3, micros.getMaxValue() / 1e3);
        }

        @Override
        public String toString() {
            return String.format("p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (n=%d)", p50Ms, p99Ms, p999Ms, maxMs, count);
        }
    }

    /** Closed loop: every connection posts again as soon as it has its answer. */
    Result run(Duration duration, int connections) throws InterruptedException {
        return run(duration, connections, 0);
    }

    /** With {@code perSecond > 0}, a fixed rate over the connections; 0 is the closed loop. */
    Result run(Duration duration, int connections, double perSecond) throws InterruptedException {
        long began = System.nanoTime();
        Schedule schedule = perSecond > 0 ? new Schedule(began, duration, perSecond) : null;
        long end = began + duration.toNanos();
        List<Connection> workers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            Connection connection = new Connection(end, schedule, done);
            workers.add(connection);
            Thread thread = new Thread(connection, "webhook-load-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        done.await();
        double elapsed = (System.nanoTime() - began) / 1e9;
        Histogram merged = new Histogram(MAX_LATENCY_MICROS, 3);
        long failures = 0;
        long generatorCpu = 0;
        for (Connection c : workers) {
            merged.add(c.latencies);
            failures += c.failures;
            generatorCpu += c.cpuNanos;
        }
        return new Result(merged.getTotalCount(), merged.getTotalCount() / elapsed, failures, Latency.of(merged), generatorCpu);
    }

    /** One request: a body shaped like Stripe's with fresh ids (four events per session), signed now. */
    byte[] nextRequest() {
        long i = sequence.incrementAndGet();
        long now = System.currentTimeMillis() / 1000;
        String body = TEMPLATE.replace("evt_TEMPLATE", "evt_bench_" + i)
                .replace("cos_TEMPLATE", String.format("cos_Bench%012d", i / 4))
                .replace("\"created\":1700000000,\"data\"", "\"created\":" + now + ",\"data\"");
        return PlainHttpConnection.request("POST", address, "/webhooks/stripe", Map.of(
                "Content-Type", "application/json; charset=utf-8", "Stripe-Signature", WebhookSigner.header(secret, now, body)),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Slots every 1/rate s from the start; each connection takes the next free one. */
    private static final class Schedule {
        private final long start;
        private final long count;
        private final double intervalNanos;
        private final AtomicLong next = new AtomicLong();

        Schedule(long start, Duration duration, double perSecond) {
            this.start = start;
            this.intervalNanos = 1e9 / perSecond;
            this.count = (long) (duration.toNanos() / intervalNanos);
        }

        /** When the next webhook is due (System.nanoTime), or -1 when the schedule is used up. */
        long take() {
            long slot = next.getAndIncrement();
            return slot < count ? start + (long) (slot * intervalNanos) : -1;
        }
    }

    private final class Connection implements Runnable {
        private final long end;
        private final Schedule schedule;
        private final CountDownLatch done;
        private final Histogram latencies = new Histogram(MAX_LATENCY_MICROS, 3);
        private long failures;
        private volatile long cpuNanos;

        Connection(long end, Schedule schedule, CountDownLatch done) {
            this.end = end;
            this.schedule = schedule;
            this.done = done;
        }

        @Override
        public void run() {
            long cpuAtStart = THREADS.getCurrentThreadCpuTime();
            try (PlainHttpConnection connection = new PlainHttpConnection(address, Duration.ofSeconds(30))) {
                while (true) {
                    byte[] request = nextRequest();
                    long due;
                    if (schedule != null) {
                        due = schedule.take();
                        if (due < 0) {
                            break;
                        }
                        for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                            LockSupport.parkNanos(wait);
                        }
                    } else {
                        due = System.nanoTime();
                        if (due >= end) {
                            break;
                        }
                    }
                    exchange(connection, request, due);
                }
            } finally {
                cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
                done.countDown();
            }
        }

        private void exchange(PlainHttpConnection connection, byte[] request, long due) {
            try {
                int status = connection.exchange(request);
                if (status != 200) {
                    failures++;
                }
            } catch (IOException e) {
                failures++;
            }
            latencies.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - due) / 1000));
        }
    }

    /**
     * The generator as its own JVM: {@code <host> <port> <secret>} as arguments, then one phase per line on stdin,
     * {@code <name> <connections> <seconds> <perSecond, 0 = closed loop>}; for each it prints {@code begin <name>},
     * runs it, and prints {@code end <name>} with the figures as {@code key=value}.
     */
    public static void main(String[] args) throws Exception {
        WebhookLoad load = new WebhookLoad(new InetSocketAddress(args[0], Integer.parseInt(args[1])), args[2]);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null && !line.isBlank(); ) {
            String[] phase = line.trim().split(" ");
            System.out.println("begin " + phase[0]);
            Result r = load.run(Duration.ofSeconds(Long.parseLong(phase[2])), Integer.parseInt(phase[1]), Double.parseDouble(phase[3]));
            System.out.printf("end %s count=%d perSecond=%.1f failures=%d p50=%.3f p99=%.3f p999=%.3f max=%.3f generatorCpuNanos=%d%n",
                    phase[0], r.count(), r.perSecond(), r.failures(), r.latency().p50Ms(), r.latency().p99Ms(),
                    r.latency().p999Ms(), r.latency().maxMs(), r.generatorCpuNanos());
        }
    }
}
