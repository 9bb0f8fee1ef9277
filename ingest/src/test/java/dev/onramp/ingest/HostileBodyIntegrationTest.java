package dev.onramp.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.Topics;
import dev.onramp.testkit.DevStackExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anonymous clients that lie about, stream or trickle a body: refused before the body costs memory or a thread,
 * and nothing reaches a topic.
 */
class HostileBodyIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    static IngestFixture ingest;

    @BeforeAll
    static void start() {
        ingest = new IngestFixture(STACK, Map.of());
    }

    @AfterAll
    static void stop() {
        ingest.close();
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedAtOnceAndTheConnectionClosed() throws IOException {
        int rawBefore = ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class).size();
        try (Socket socket = connect()) {
            long began = System.nanoTime();
            socket.getOutputStream().write(("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nStripe-Signature: t=1,v1=00\r\n"
                    + "Content-Length: 3000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = readAll(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(3));
        }
        assertThat(ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class)).hasSize(rawBefore);
    }

    @Test
    void chunkedBodiesOverTheLimitAreRefusedWhileReadAndLeaveTheHeapWhereItWas() throws Exception {
        int rawBefore = ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class).size();
        long before = heapAfterGc();
        for (int i = 0; i < 100; i++) {
            try (Socket socket = connect()) {
                CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> {
                    try {
                        return readAll(socket.getInputStream());
                    } catch (IOException e) {
                        return "";
                    }
                });
                OutputStream out = socket.getOutputStream();
                out.write(("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nStripe-Signature: t=1,v1=00\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                String header = Integer.toHexString(chunk.length) + "\r\n";
                try {
                    for (int c = 0; c < 64 && !response.isDone(); c++) {  // up to 4 MiB, four times the limit
                        out.write(header.getBytes(StandardCharsets.US_ASCII));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    // the server closed the connection after its 413: expected
                }
                assertThat(response.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 413");
            }
        }
        long grown = heapAfterGc() - before;
        assertThat(grown).as("heap growth after 100 oversized chunked bodies").isLessThan(16L * 1024 * 1024);
        assertThat(ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class)).hasSize(rawBefore);
    }

    /** The limit sits below Kafka's message size: a signed body just under it is written, not answered 503 for ever. */
    @Test
    void aSignedBodyJustUnderTheLimitIsWritten() {
        String small = OnrampEvents.sessionUpdated("evt_AtTheLimit", "cos_AtTheLimit0001", "fulfillment_complete",
                System.currentTimeMillis() / 1000);
        int limit = 256 * 1024;
        String pad = "x".repeat(limit - small.length() - 20);
        String body = small.replace("\"metadata\":{}", "\"metadata\":{\"pad\":\"" + pad + "\"}");
        assertThat(body.length()).isBetween(limit - 100, limit);
        assertThat(ingest.postWebhook(body).statusCode()).isEqualTo(200);
        // The 2xx follows the commit; the markers that make it visible to read_committed may follow a moment later.
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class).stream()
                        .anyMatch(r -> "evt_AtTheLimit".equals(r.value().getEventId())));
    }

    /** The only test of this class on the platform API: its 429s last a minute for this address. */
    @Test
    void guessingThePlatformKeyIsAnswered429AfterTenTriesAndTheRightKeyStillPasses() {
        String body = "{\"email\":\"buyer@example.com\",\"locale\":\"en\"}";
        for (int i = 0; i < 10; i++) {
            assertThat(ingest.recipient("PUT", "cos_KeyGuessing0001", body, "guess-" + i + "-0123456789abcdef").statusCode())
                    .isEqualTo(401);
        }
        var limited = ingest.recipient("PUT", "cos_KeyGuessing0001", body, "guess-10-0123456789abcdef");
        assertThat(limited.statusCode()).as("the eleventh wrong key, for a while").isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(ingest.recipient("PUT", "cos_KeyGuessing0001", body, IngestFixture.API_KEY).statusCode())
                .as("the right key from the same client: never refused for the failures").isEqualTo(204);
    }

    @Test
    void compressedBodiesAreRefused() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nStripe-Signature: t=1,v1=00\r\n"
                    + "Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd").getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(socket.getInputStream())).startsWith("HTTP/1.1 415");
        }
    }

    @Test
    void fourHundredClientsTricklingHeadersOrBodiesDoNotDelayARealWebhook() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 400; i++) {
                Socket socket = connect();
                String start = i % 2 == 0
                        ? "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nStripe-Signature: t=1,v1=00\r\nContent-Length: 1000\r\n\r\n{"
                        : "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nX-Slow: a";
                socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            long began = System.nanoTime();
            var response = ingest.postWebhook(OnrampEvents.sessionUpdated("evt_DuringTrickle", "cos_DuringTrickle01",
                    "fulfillment_complete", System.currentTimeMillis() / 1000));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aBodyTricklingInBelowTheMinimumRateIsRefusedOnceTheGraceIsSpent() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            String headers = "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nStripe-Signature: t=1,v1=00\r\nContent-Length: 1000\r\n\r\n";
            out.write(headers.getBytes(StandardCharsets.US_ASCII));
            long began = System.nanoTime();
            // A byte every 500 ms: never idle long enough for the idle timeout, far below 1 KiB/s.
            for (int i = 0; i < 40 && socket.getInputStream().available() == 0; i++) {
                try {
                    out.write(' ');
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(readAll(socket.getInputStream())).startsWith("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).as("refused after the grace, not at the end of the body")
                    .isLessThan(Duration.ofSeconds(15));
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), ingest.service.port());
        socket.setSoTimeout(15_000);
        return socket;
    }

    private static String readAll(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        byte[] buffer = new byte[4096];
        int n;
        try {
            while ((n = in.read(buffer)) > 0) {
                out.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            if (out.isEmpty()) {
                throw e;
            }
        }
        return out.toString();
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
