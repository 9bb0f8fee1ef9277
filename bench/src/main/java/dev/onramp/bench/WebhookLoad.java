package dev.onramp.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import dev.onramp.devstack.simulate.LatencyStats;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;

/**
 * N keep-alive HTTP/1.1 connections, each posting a freshly signed webhook as soon as the previous answer came
 * back, over plain blocking sockets.
 *
 * <p>Why not {@code java.net.http.HttpClient}: on two cores its completion stages run on a new thread per
 * request (the common pool has no parallelism there), and the generator then took more CPU than the service it
 * measured. A socket per connection costs almost nothing, so the figure is the service's, not the client's.
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
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /webhooks/stripe HTTP/1.1\r\n"
                + "Host: " + address.getHostString() + ":" + address.getPort() + "\r\n"
                + "Content-Type: application/json; charset=utf-8\r\n"
                + "Stripe-Signature: " + WebhookSigner.header(secret, now, body) + "\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, request, headBytes.length, bodyBytes.length);
        return request;
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
            try {
                while (System.nanoTime() < end) {
                    try (Socket socket = new Socket()) {
                        socket.setTcpNoDelay(true);
                        socket.connect(address, 5_000);
                        socket.setSoTimeout(30_000);
                        OutputStream out = socket.getOutputStream();
                        InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                        while (System.nanoTime() < end) {
                            byte[] request = nextRequest();
                            long t0 = System.nanoTime();
                            out.write(request);
                            out.flush();
                            int status = readResponse(in);
                            record((System.nanoTime() - t0) / 1000);
                            if (status != 200) {
                                failures++;
                            }
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

    /** Reads one response (status line, headers, a Content-Length or chunked body) and returns its status. */
    static int readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new IOException("connection closed");
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        long contentLength = -1;
        boolean chunked = false;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            long size;
            do {
                size = Long.parseLong(readLine(in).trim(), 16);
                skip(in, size);
                readLine(in);
            } while (size > 0);
        } else if (contentLength > 0) {
            skip(in, contentLength);
        }
        return status;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed in a body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int length = line.length();
                return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }
}
