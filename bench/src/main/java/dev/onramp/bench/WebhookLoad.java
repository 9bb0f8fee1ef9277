package dev.onramp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import dev.onramp.devstack.http.PlainHttpConnection;
import dev.onramp.devstack.simulate.LatencyStats;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;

/**
 * N keep-alive HTTP/1.1 connections, each posting a freshly signed webhook as soon as the previous answer came
 * back, over plain blocking sockets.
 *
 * <p>Over {@link PlainHttpConnection}, not {@code java.net.http.HttpClient}: a socket per connection costs almost
 * nothing, so the figure is the service's, not the client's.
 */
final class WebhookLoad {
    private static final String TEMPLATE = OnrampEvents.sessionUpdated("evt_TEMPLATE", "cos_TEMPLATE", "fulfillment_processing", 1_700_000_000L);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final InetSocketAddress address;
    private final String secret;
    private final AtomicLong sequence = new AtomicLong();

    WebhookLoad(InetSocketAddress address, String secret) {
        this.address = address;
        this.secret = secret;
    }

    /** generatorCpuNanos: CPU the load threads themselves spent (signing, writing, reading), so it can be told apart. */
    record Result(long count, double perSecond, long failures, LatencyStats latency, long generatorCpuNanos) {
    }

    Result run(Duration duration, int connections) throws InterruptedException {
        long began = System.nanoTime();
        long end = began + duration.toNanos();
        List<Connection> workers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            Connection connection = new Connection(end, done);
            workers.add(connection);
            Thread thread = new Thread(connection, "webhook-load-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        done.await();
        double elapsed = (System.nanoTime() - began) / 1e9;
        long failures = 0;
        int count = 0;
        long generatorCpu = 0;
        for (Connection c : workers) {
            failures += c.failures;
            count += c.count;
            generatorCpu += c.cpuNanos;
        }
        long[] merged = new long[count];
        int at = 0;
        for (Connection c : workers) {
            System.arraycopy(c.latencies, 0, merged, at, c.count);
            at += c.count;
        }
        return new Result(count, count / elapsed, failures, LatencyStats.of(merged), generatorCpu);
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

    private final class Connection implements Runnable {
        private final long end;
        private final CountDownLatch done;
        private long[] latencies = new long[4096];
        private int count;
        private long failures;
        private volatile long cpuNanos;

        Connection(long end, CountDownLatch done) {
            this.end = end;
            this.done = done;
        }

        @Override
        public void run() {
            long cpuAtStart = THREADS.getCurrentThreadCpuTime();
            try (PlainHttpConnection connection = new PlainHttpConnection(address, Duration.ofSeconds(30))) {
                while (System.nanoTime() < end) {
                    byte[] request = nextRequest();
                    long t0 = System.nanoTime();
                    try {
                        int status = connection.exchange(request);
                        record((System.nanoTime() - t0) / 1000);
                        if (status != 200) {
                            failures++;
                        }
                    } catch (IOException e) {
                        failures++;
                    }
                }
            } finally {
                cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
                done.countDown();
            }
        }

        private void record(long micros) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = micros;
        }
    }
}
