package dev.onramp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server that answers one request at a time, each after 20 ms: at most 50 answers a second. */
class WebhookLoadTest {
    private HttpServer server;
    private ExecutorService executor;
    private final AtomicInteger received = new AtomicInteger();

    @BeforeEach
    void slowServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/webhooks/stripe", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        executor = Executors.newSingleThreadExecutor();
        server.setExecutor(executor);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private WebhookLoad load() {
        return new WebhookLoad(new InetSocketAddress("127.0.0.1", server.getAddress().getPort()), "whsec_test_0123456789");
    }

    @Test
    void theClosedLoopSeesOnlyTheServiceTimeOfEachRequest() throws Exception {
        WebhookLoad.Result result = load().run(Duration.ofSeconds(1), 1);
        assertThat(result.failures()).isZero();
        assertThat(result.count()).isBetween(1L, 55L).isEqualTo(received.get());
        assertThat(result.latency().p99Ms()).isLessThan(200);
    }

    /**
     * 200 webhooks due over one second, and the server needs four: the last was due at ~1 s and answered at ~4 s. A
     * generator that timed each request from when it was sent would report ~20 ms for every one of them.
     */
    @Test
    void aFixedRateChargesEveryWebhookFromWhenItWasDue() throws Exception {
        WebhookLoad.Result result = load().run(Duration.ofSeconds(1), 1, 200);
        assertThat(result.failures()).isZero();
        assertThat(result.count()).isEqualTo(200).isEqualTo(received.get());
        assertThat(result.perSecond()).isLessThan(60);
        assertThat(result.latency().p50Ms()).isGreaterThan(1_000);
        assertThat(result.latency().p99Ms()).isGreaterThan(2_500);
        assertThat(result.latency().maxMs()).isGreaterThanOrEqualTo(result.latency().p999Ms());
    }
}
