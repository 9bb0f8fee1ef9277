package dev.onramp.testkit.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A platform's webhook endpoint that verifies what it gets with the Standard Webhooks reference library, as a
 * platform would: a wrong signature or a timestamp more than five minutes off is refused with 401 and counted.
 * It can be told to answer a status next, or to be slow.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A verified delivery. */
    public record Delivery(String webhookId, String timestamp, String signatures, JsonNode body, Instant at) {
    }

    private record Answer(int status, String retryAfter) {
    }

    private final HttpServer server;
    private final Webhook verifier;
    private final Deque<Answer> scripted = new ConcurrentLinkedDeque<>();
    private final List<Delivery> delivered = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private volatile Duration delay = Duration.ZERO;

    /** Listens on a free loopback port; verifies with {@code secret} ({@code whsec_…}). */
    public WebhookReceiver(String secret) throws IOException {
        try {
            this.verifier = new Webhook(secret);
        } catch (EmptyWebhookSecretException e) {
            throw new IllegalArgumentException(e);
        }
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    public void answerNext(int status, String retryAfter) {
        scripted.add(new Answer(status, retryAfter));
    }

    /** Every request waits this long before it is answered. */
    public void slowDown(Duration delay) {
        this.delay = delay;
    }

    public List<Delivery> delivered() {
        return List.copyOf(delivered);
    }

    /** Requests refused for their signature, with the library's reason. */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            try {
                verifier.verify(body, headers);
            } catch (WebhookVerificationException e) {
                refused.add(e.getMessage());
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            Answer answer = scripted.poll();
            if (answer != null) {
                if (answer.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
                }
                exchange.sendResponseHeaders(answer.status(), -1);
                return;
            }
            delivered.add(new Delivery(first(headers, "webhook-id"), first(headers, "webhook-timestamp"),
                    first(headers, "webhook-signature"), JSON.readTree(body), Instant.now()));
            exchange.sendResponseHeaders(204, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.getOrDefault(name, new ArrayList<>());
        return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
