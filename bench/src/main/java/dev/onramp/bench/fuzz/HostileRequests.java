package dev.onramp.bench.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;

/**
 * Anonymous hostile traffic against a running ingest, seeded and repeatable: forged, altered, replayed, stale and
 * garbled signatures, signed garbage, bodies under lying framings and encodings, wrong methods and paths, key guessing
 * on the platform API; among them validly signed webhooks, under either of two rotating secrets. Every request is one
 * connection; what it was and what ingest answered are counted.
 */
public final class HostileRequests {
    /** What one request was. */
    public enum Kind {
        VALID, VALID_ROTATED_SECRET, SIGNED_GARBAGE, FORGED, ALTERED_BODY, SIGNATURE_OF_ANOTHER_BODY, STALE, GARBLED_SIGNATURE,
        NO_SIGNATURE, LYING_LENGTH, OVERSIZED_CHUNKED, COMPRESSED, WRONG_METHOD, WRONG_PATH, KEY_GUESS;

        /**
         * A validly signed, well-framed session event: the only requests a 2xx may answer (a path that normalises to
         * the webhook's, such as {@code /webhooks/stripe/}, is the same endpoint).
         */
        public boolean mayBeAccepted() {
            return this == VALID || this == VALID_ROTATED_SECRET || this == WRONG_PATH;
        }
    }

    /**
     * Counts per kind and answer; the event ids a 2xx answered among the requests that may be accepted, and among
     * those that must not be (which must stay empty).
     */
    public record Report(Map<Kind, Map<Integer, Long>> answers, Set<String> acceptedSignedEventIds,
                         Set<String> acceptedForbiddenEventIds, long requests) {
        public String summary() {
            StringBuilder out = new StringBuilder(
                    String.format("%d hostile requests; answers by kind (status: count, -1 = closed without one):%n", requests));
            answers.forEach((kind, byStatus) -> out.append(String.format("  %-26s %s%n", kind, byStatus)));
            return out.toString();
        }
    }

    private final String host = InetAddress.getLoopbackAddress().getHostAddress();
    private final int port;
    private final String secret;
    private final String rotatedSecret;

    public HostileRequests(int port, String secret, String rotatedSecret) {
        this.port = port;
        this.secret = secret;
        this.rotatedSecret = rotatedSecret;
    }

    public Report run(int requests, long seed, int concurrency) throws Exception {
        Map<Kind, Map<Integer, AtomicLong>> answers = new ConcurrentHashMap<>();
        Set<String> acceptedValid = ConcurrentHashMap.newKeySet();
        Set<String> acceptedOther = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            Future<?>[] workers = new Future<?>[concurrency];
            for (int w = 0; w < concurrency; w++) {
                int worker = w;
                workers[w] = pool.submit(() -> {
                    Random random = new Random(seed * 31 + worker);
                    for (int i = worker; i < requests; i += concurrency) {
                        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                        String eventId = "evt_fuzz_" + seed + "_" + i;
                        int status = send(request(kind, eventId, random));
                        answers.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
                                .computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                        if (status / 100 == 2) {
                            (kind.mayBeAccepted() ? acceptedValid : acceptedOther).add(eventId);
                        }
                    }
                    return null;
                });
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Map<Kind, Map<Integer, Long>> counted = new TreeMap<>();
        answers.forEach((kind, byStatus) -> {
            Map<Integer, Long> c = new TreeMap<>();
            byStatus.forEach((status, n) -> c.put(status, n.get()));
            counted.put(kind, c);
        });
        return new Report(counted, Set.copyOf(acceptedValid), Set.copyOf(acceptedOther), requests);
    }

    private byte[] request(Kind kind, String eventId, Random random) {
        long now = System.currentTimeMillis() / 1000;
        String session = "cos_Fuzz" + Long.toString(Math.abs(random.nextLong()), 36);
        String body = OnrampEvents.sessionUpdated(eventId, session, "fulfillment_complete", now);
        return switch (kind) {
            case VALID -> post("/webhooks/stripe", WebhookSigner.header(secret, now, body), body);
            case VALID_ROTATED_SECRET -> post("/webhooks/stripe", WebhookSigner.header(rotatedSecret, now, body), body);
            case SIGNED_GARBAGE -> {
                String garbage = randomText(random, 1 + random.nextInt(300));
                yield post("/webhooks/stripe", WebhookSigner.header(secret, now, garbage), garbage);
            }
            case FORGED -> post("/webhooks/stripe", WebhookSigner.header("whsec_forged_" + random.nextInt(1000), now, body), body);
            case ALTERED_BODY -> {
                String header = WebhookSigner.header(secret, now, body);
                int at = random.nextInt(body.length());
                char replacement = body.charAt(at) == '1' ? '2' : '1';
                yield post("/webhooks/stripe", header, body.substring(0, at) + replacement + body.substring(at + 1));
            }
            case SIGNATURE_OF_ANOTHER_BODY -> {
                String other = OnrampEvents.sessionUpdated(eventId + "_other", session, "rejected", now);
                yield post("/webhooks/stripe", WebhookSigner.header(secret, now, other), body);
            }
            case STALE -> post("/webhooks/stripe", WebhookSigner.header(secret, now - 3_600 - random.nextInt(86_400), body), body);
            case GARBLED_SIGNATURE -> post("/webhooks/stripe", garbledSignature(random, now, body), body);
            case NO_SIGNATURE -> post("/webhooks/stripe", null, body);
            case LYING_LENGTH -> raw("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nStripe-Signature: "
                    + WebhookSigner.header(secret, now, body) + "\r\nContent-Length: "
                    + (random.nextBoolean() ? "3000000000" : String.valueOf(body.length() + 1 + random.nextInt(50)))
                    + "\r\n\r\n" + body);
            case OVERSIZED_CHUNKED -> oversizedChunked(WebhookSigner.header(secret, now, body), random);
            case COMPRESSED -> compressed(WebhookSigner.header(secret, now, body), body);
            case WRONG_METHOD -> raw(new String[] {"GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"}[random.nextInt(7)]
                    + " /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            case WRONG_PATH -> raw("POST " + new String[] {"/webhooks/stripe/", "/webhooks/../webhooks/stripe", "/webhooks/stripe%00",
                    "/WEBHOOKS/STRIPE", "/metrics", "/health/ready", "/v1/sessions/../../etc/passwd", "/" + randomPath(random)}[random.nextInt(8)]
                    + " HTTP/1.1\r\nHost: x\r\nStripe-Signature: " + WebhookSigner.header(secret, now, body)
                    + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
            case KEY_GUESS -> raw("PUT /v1/sessions/" + (random.nextBoolean() ? session : randomPath(random)) + "/recipient HTTP/1.1\r\n"
                    + "Host: x\r\nAuthorization: Bearer " + randomText(random, 20).replaceAll("[\\r\\n]", "")
                    + "\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"email\":\"a@b.c\"}");
        };
    }

    private static String garbledSignature(Random random, long now, String body) {
        String real = WebhookSigner.header("whsec_whatever_0123", now, body);
        return switch (random.nextInt(6)) {
            case 0 -> "t=" + now + ",t=" + (now + 100_000) + "," + real.substring(real.indexOf("v1="));
            case 1 -> randomText(random, 1 + random.nextInt(200)).replaceAll("[\\r\\n]", "");
            case 2 -> "t=" + now + ",v1=" + "0".repeat(64);
            case 3 -> "t=" + "9".repeat(30) + ",v1=" + "a".repeat(64);
            case 4 -> "v1=" + "b".repeat(64) + ",".repeat(random.nextInt(50));
            default -> "t=" + now + ",v0=" + "c".repeat(64);
        };
    }

    private static byte[] post(String path, String signature, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + (signature == null ? "" : "Stripe-Signature: " + signature + "\r\n")
                + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.ISO_8859_1), bytes);
    }

    private static byte[] raw(String request) {
        return request.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] oversizedChunked(String signature, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nStripe-Signature: " + signature
                + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        random.nextBytes(chunk);
        for (int i = 0; i < 6; i++) {
            out.writeBytes((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(chunk);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static byte[] compressed(String signature, String body) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] bytes = zipped.toByteArray();
        return concat(("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nStripe-Signature: " + signature
                + "\r\nContent-Encoding: gzip\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), bytes);
    }

    private static String randomText(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x250)));
        }
        return s.toString();
    }

    private static String randomPath(Random random) {
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789_-.%~";
        StringBuilder s = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(40); i < n; i++) {
            s.append(chars.charAt(random.nextInt(chars.length())));
        }
        return s.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Sends one request on its own connection; the answer's status, or -1 when the connection closed without one. */
    private int send(byte[] request) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // refused mid-body (413 and close): the answer may still be readable
            }
            InputStream in = socket.getInputStream();
            byte[] line = new byte[12];
            int read = 0;
            int n;
            while (read < line.length && (n = in.read(line, read, line.length - read)) > 0) {
                read += n;
            }
            String status = new String(line, 0, read, StandardCharsets.US_ASCII);
            return status.startsWith("HTTP/1.1 ") && read >= 12 ? Integer.parseInt(status.substring(9, 12)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
