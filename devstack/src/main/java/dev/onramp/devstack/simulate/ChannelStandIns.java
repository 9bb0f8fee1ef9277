package dev.onramp.devstack.simulate;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * What {@code onramp simulate} registers as the other two channels: a push endpoint per session (a browser's
 * subscription: an endpoint and keys; it answers 201 and counts, it does not decrypt) and the platform's webhook
 * endpoint, which verifies every delivery with the Standard Webhooks library and the dev stack's secret.
 */
public final class ChannelStandIns implements AutoCloseable {
    private final HttpServer server;
    private final Webhook verifier;
    private final String p256dh;
    private final String auth;
    private final Set<String> pushedTopics = ConcurrentHashMap.newKeySet();
    private final Set<String> webhookIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong pushRequests = new AtomicLong();
    private final AtomicLong webhookRequests = new AtomicLong();
    private final AtomicLong webhooksRefused = new AtomicLong();

    public ChannelStandIns(String platformWebhookSecret) throws IOException {
        try {
            this.verifier = new Webhook(platformWebhookSecret);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
            byte[] point = new byte[65];
            point[0] = 4;
            copy32(key.getW().getAffineX(), point, 1);
            copy32(key.getW().getAffineY(), point, 33);
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            this.p256dh = Base64.getUrlEncoder().withoutPadding().encodeToString(point);
            this.auth = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        } catch (GeneralSecurityException | EmptyWebhookSecretException e) {
            throw new IllegalStateException(e);
        }
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/push/", this::push);
        server.createContext("/hooks", this::webhook);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    /** A browser's PushSubscription JSON for the session, pointing here. */
    public String pushSubscription(String sessionId) {
        return "{\"endpoint\":\"" + base() + "/push/" + sessionId + "\",\"expirationTime\":null,\"keys\":{\"p256dh\":\"" + p256dh
                + "\",\"auth\":\"" + auth + "\"}}";
    }

    public String webhookUrl() {
        return base() + "/hooks";
    }

    /** Distinct pushes (by their Topic: one per session), all requests, verified webhooks (by id), all, refused. */
    public String summary() {
        return String.format("push endpoint: %d messages (%d requests); platform endpoint: %d webhooks verified (%d requests, %d refused)",
                pushedTopics.size(), pushRequests.get(), webhookIds.size(), webhookRequests.get(), webhooksRefused.get());
    }

    /** Distinct pushes received (one per session: by Topic). */
    public long pushes() {
        return pushedTopics.size();
    }

    /** Distinct webhooks verified (by webhook-id). */
    public long webhooksVerified() {
        return webhookIds.size();
    }

    public long pushRequests() {
        return pushRequests.get();
    }

    public long webhookRequests() {
        return webhookRequests.get();
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void push(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.readNBytes(8192);
            pushRequests.incrementAndGet();
            String topic = exchange.getRequestHeaders().getFirst("Topic");
            pushedTopics.add(topic == null ? exchange.getRequestURI().getPath() : topic);
            exchange.sendResponseHeaders(201, -1);
        }
    }

    private void webhook(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            webhookRequests.incrementAndGet();
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            try {
                verifier.verify(body, headers);
            } catch (WebhookVerificationException e) {
                webhooksRefused.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            webhookIds.add(headers.get("webhook-id").get(0));
            exchange.sendResponseHeaders(204, -1);
        }
    }

    private static void copy32(BigInteger value, byte[] out, int at) {
        byte[] bytes = value.toByteArray();
        int copy = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - copy, out, at + 32 - copy, copy);
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
