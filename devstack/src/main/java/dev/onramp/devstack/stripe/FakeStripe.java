package dev.onramp.devstack.stripe;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for Stripe's three crypto onramp endpoints ({@code POST /v1/crypto/onramp_sessions}, {@code GET
 * /v1/crypto/onramp_sessions/:id}, {@code GET /v1/crypto/onramp_sessions}) for {@code onramp dev} and tests. It
 * answers in Stripe's shapes (bearer secret key, form-encoded parameters, {@code Idempotency-Key} replay, errors as
 * {@code {"error": {type, code, param, message}}}), applies the reference's main creation rules, refuses a customer
 * IP in 203.0.113.0/24 as an unsupported geography, and can be told to shut creation off (the fraud switch), to fail
 * or to hang. Like Stripe, it sends no webhook at creation, then moves each session along
 * ({@code requires_payment}, {@code fulfillment_processing}, {@code fulfillment_complete} or {@code rejected}) and
 * sends each change as a signed {@code crypto.onramp_session_updated} webhook; those can be dropped on demand, as a
 * webhook endpoint that was down for days would have lost them.
 */
public final class FakeStripe implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** Where the webhooks go, signed with which secret, and how fast sessions move (zero: they stay initialized). */
    public record Lifecycle(String webhookUrl, String webhookSecret, Duration step, double rejectedShare, double abandonedShare) {
    }

    private final HttpServer server;
    private final String apiKey;
    private final Lifecycle lifecycle;
    private final Map<String, ObjectNode> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> byIdempotencyKey = new ConcurrentHashMap<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "fake-stripe-lifecycle"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Random random;
    private final SecureRandom ids = new SecureRandom();
    private final AtomicLong webhooksSent = new AtomicLong();
    private final AtomicLong webhooksDropped = new AtomicLong();
    private final AtomicInteger lookups = new AtomicInteger();
    private final List<String> dropped = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus;
    private volatile boolean shutOff;
    private volatile boolean notEnabled;
    private volatile boolean dropWebhooks;
    private volatile Set<String> dropStatuses = Set.of();
    private volatile Duration hang = Duration.ZERO;
    private final AtomicInteger hanging = new AtomicInteger();

    public FakeStripe(int port, String apiKey, Lifecycle lifecycle, long seed) throws IOException {
        this.apiKey = apiKey;
        this.lifecycle = lifecycle;
        this.random = new Random(seed);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/v1/crypto/onramp_sessions", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public String apiBase() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The fraud switch: every creation is refused while on. */
    public void shutOff(boolean on) {
        this.shutOff = on;
    }

    /** While on, the account is not enabled for the onramp (its application not approved for this mode): every request is refused. */
    public void accountNotEnabled(boolean on) {
        this.notEnabled = on;
    }

    /** The next {@code count} requests answer {@code status}, in Stripe's error shape. */
    public void failNext(int count, int status) {
        this.failStatus = status;
        failNext.set(count);
    }

    /** Every request waits this long before it is answered (a client's timeout shorter than this sees none). */
    public void hang(Duration delay) {
        this.hang = delay;
    }

    /** While on, status changes happen but their webhooks are never sent: the case reconciliation exists for. */
    public void dropWebhooks(boolean on) {
        this.dropWebhooks = on;
    }

    /**
     * While set, the webhooks of these statuses are never sent (the others are): a session whose last webhooks are
     * lost while it shows an earlier status, say requires_payment.
     */
    public void dropWebhooksOf(Set<String> statuses) {
        this.dropStatuses = Set.copyOf(statuses);
    }

    public long webhooksSent() {
        return webhooksSent.get();
    }

    public long webhooksDropped() {
        return webhooksDropped.get();
    }

    public int sessionsCreated() {
        return sessions.size();
    }

    /** Sessions asked for one by one ({@code GET /v1/crypto/onramp_sessions/:id}), answered or not. */
    public int lookups() {
        return lookups.get();
    }

    /** Requests held by {@link #hang} right now. */
    public int requestsWaiting() {
        return hanging.get();
    }

    /** The session as Stripe holds it now. */
    public ObjectNode session(String id) {
        ObjectNode session = sessions.get(id);
        return session == null ? null : session.deepCopy();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            if (!hang.isZero()) {
                hanging.incrementAndGet();
                try {
                    Thread.sleep(hang.toMillis());
                } finally {
                    hanging.decrementAndGet();
                }
            }
            if (refusedBeforeRouting(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("POST") && path.equals("/v1/crypto/onramp_sessions")) {
                create(exchange, form(body));
            } else if (method.equals("GET") && path.equals("/v1/crypto/onramp_sessions")) {
                list(exchange, form(exchange.getRequestURI().getRawQuery()));
            } else if (method.equals("GET")) {
                retrieve(exchange, path.substring(path.lastIndexOf('/') + 1));
            } else {
                error(exchange, 404, "invalid_request_error", "resource_missing", null, "Unrecognized request URL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The refusals Stripe gives before it looks at the request: the key, the account, injected failures. */
    private boolean refusedBeforeRouting(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.equals("Bearer " + apiKey)) {
            error(exchange, 401, "invalid_request_error", null, null, "Invalid API Key provided");
            return true;
        }
        if (notEnabled) {
            error(exchange, 403, "invalid_request_error", null, null,
                    "Your account is not enabled for the crypto onramp in this mode; submit the onramp application in the Dashboard");
            return true;
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
            return false;
        }
        switch (failStatus) {
            case 429 -> error(exchange, 429, "rate_limit_error", "rate_limit", null, "injected failure");
            case 403 -> error(exchange, 403, "invalid_request_error", null, null,
                    "The provided key 'rk_test_***' does not have the required permissions for this endpoint");
            default -> error(exchange, failStatus, "api_error", null, null, "injected failure");
        }
        return true;
    }

    private void create(HttpExchange exchange, Map<String, String> form) throws IOException {
        String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (idempotencyKey != null && byIdempotencyKey.containsKey(idempotencyKey)) {
            exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
            send(exchange, 200, sessions.get(byIdempotencyKey.get(idempotencyKey)));
            return;
        }
        if (shutOff) {
            error(exchange, 400, "invalid_request_error", "crypto_onramp_disabled", null,
                    "Onramp session creation is temporarily unavailable. Please try again later.");
            return;
        }
        String refusal = CreationRules.refusal(form);
        if (refusal != null) {
            String[] parts = refusal.split("\\|", 2);
            error(exchange, 400, "invalid_request_error", "parameter_invalid", parts[0], parts[1]);
            return;
        }
        String ip = form.get("customer_ip_address");
        if (ip != null && ip.startsWith("203.0.113.")) {
            error(exchange, 400, "invalid_request_error", "crypto_onramp_unsupportable_customer", null,
                    "Based on the information provided about the customer, we're currently unable to support them.");
            return;
        }
        ObjectNode session = newSession(form);
        String id = session.get("id").asText();
        sessions.put(id, session);
        if (idempotencyKey != null) {
            byIdempotencyKey.put(idempotencyKey, id);
        }
        send(exchange, 200, session);
        scheduleLifecycle(id);
    }

    private ObjectNode newSession(Map<String, String> form) {
        StringBuilder id = new StringBuilder("cos_");
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET.charAt(ids.nextInt(ALPHABET.length())));
        }
        String network = form.getOrDefault("destination_network", first(form, "destination_networks", "ethereum"));
        String currency = form.getOrDefault("destination_currency", first(form, "destination_currencies", "eth"));
        ObjectNode session = OnrampEvents.session(id.toString(), "initialized", network, currency, null, Instant.now().getEpochSecond());
        session.put("client_secret", id + "_secret_" + Long.toHexString(ids.nextLong()));
        session.put("kyc_details_provided", false);
        ObjectNode details = (ObjectNode) session.get("transaction_details");
        details.putNull("fees");
        details.put("source_amount", form.get("source_amount"));
        details.put("destination_amount", form.get("destination_amount"));
        details.put("lock_wallet_address", Boolean.parseBoolean(form.getOrDefault("lock_wallet_address", "false")));
        details.putNull("wallet_address");
        ObjectNode wallets = details.putObject("wallet_addresses");
        form.forEach((key, value) -> {
            if (key.startsWith("wallet_addresses[") && !key.contains("destination_tags")) {
                wallets.put(key.substring("wallet_addresses[".length(), key.length() - 1), value);
            }
        });
        return session;
    }

    /** initialized → requires_payment → fulfillment_processing → fulfillment_complete, or rejected, or left waiting. */
    private void scheduleLifecycle(String id) {
        if (lifecycle == null || lifecycle.step().isZero()) {
            return;
        }
        double roll;
        synchronized (random) {
            roll = random.nextDouble();
        }
        List<String> path = roll < lifecycle.rejectedShare() ? List.of("requires_payment", "rejected")
                : roll < lifecycle.rejectedShare() + lifecycle.abandonedShare() ? List.of("requires_payment")
                : List.of("requires_payment", "fulfillment_processing", "fulfillment_complete");
        for (int i = 0; i < path.size(); i++) {
            String status = path.get(i);
            clock.schedule(() -> move(id, status), lifecycle.step().toMillis() * (i + 1), TimeUnit.MILLISECONDS);
        }
    }

    private void move(String id, String status) {
        ObjectNode session = sessions.get(id);
        session.put("status", status);
        session.put("kyc_details_provided", true);
        ObjectNode details = (ObjectNode) session.get("transaction_details");
        if (status.equals("fulfillment_complete")) {
            details.put("transaction_id", "0x" + Long.toHexString(ids.nextLong()) + Long.toHexString(ids.nextLong()));
            details.put("wallet_address", OnrampEvents.walletFor(details.path("destination_network").asText(), id));
        }
        long now = Instant.now().getEpochSecond();
        String event = OnrampEvents.event("evt_" + id.substring(4) + "_" + status, "crypto.onramp_session_updated", now, session.deepCopy());
        if (dropWebhooks || dropStatuses.contains(status)) {
            webhooksDropped.incrementAndGet();
            dropped.add(event);
            return;
        }
        deliver(event);
    }

    /** Sends every dropped webhook now, late: as Stripe would after the endpoint was fixed and events resent. */
    public void redeliverDropped() {
        List<String> late = new ArrayList<>(dropped);
        dropped.clear();
        late.forEach(this::deliver);
    }

    private void deliver(String event) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(lifecycle.webhookUrl()))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("Stripe-Signature", WebhookSigner.header(lifecycle.webhookSecret(), Instant.now().getEpochSecond(), event))
                        .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() / 100 == 2) {
                    webhooksSent.incrementAndGet();
                    return;
                }
            } catch (IOException e) {
                // retried below, as Stripe retries
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(500L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void retrieve(HttpExchange exchange, String id) throws IOException {
        lookups.incrementAndGet();
        ObjectNode session = sessions.get(id);
        if (session == null) {
            error(exchange, 404, "invalid_request_error", "resource_missing", "id", "No such crypto.onramp_session: '" + id + "'");
            return;
        }
        send(exchange, 200, session);
    }

    /** Newest first, {@code created[gte]}, {@code limit} (at most 100), {@code starting_after}. */
    private void list(HttpExchange exchange, Map<String, String> query) throws IOException {
        long since = Long.parseLong(query.getOrDefault("created[gte]", "0"));
        int limit = Math.min(100, Integer.parseInt(query.getOrDefault("limit", "10")));
        List<ObjectNode> all = new ArrayList<>(sessions.values().stream().filter(s -> s.get("created").asLong() >= since)
                .sorted(Comparator.comparing((ObjectNode s) -> s.get("created").asLong()).thenComparing(s -> s.get("id").asText())
                        .reversed()).toList());
        String after = query.get("starting_after");
        int from = 0;
        if (after != null) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).get("id").asText().equals(after)) {
                    from = i + 1;
                }
            }
        }
        ObjectNode page = JSON.createObjectNode().put("object", "list").put("url", "/v1/crypto/onramp_sessions");
        ArrayNode data = page.putArray("data");
        all.subList(Math.min(from, all.size()), Math.min(from + limit, all.size())).forEach(data::add);
        page.put("has_more", from + limit < all.size());
        send(exchange, 200, page);
    }

    private static String first(Map<String, String> form, String array, String fallback) {
        return form.entrySet().stream().filter(e -> e.getKey().startsWith(array + "[")).map(Map.Entry::getValue).findFirst()
                .orElse(fallback);
    }

    /** Stripe's form encoding, flattened: {@code a[b][c]=v} and {@code a[0]=v} keys as they come. */
    static Map<String, String> form(String encoded) {
        Map<String, String> form = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return form;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            form.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static void error(HttpExchange exchange, int status, String type, String code, String param, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode inner = error.putObject("error").put("type", type).put("message", message);
        if (code != null) {
            inner.put("code", code);
        }
        if (param != null) {
            inner.put("param", param);
        }
        send(exchange, status, error);
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Request-Id", "req_fake" + Long.toHexString(System.nanoTime()));
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        clock.shutdownNow();
    }
}
