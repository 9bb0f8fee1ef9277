package dev.onramp.testkit.push;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A push service that checks what a real one checks, written from the RFCs and independent of the library under
 * test: the VAPID JWT (RFC 8292) is ES256-verified against the application server's public key, with {@code aud}
 * the endpoint's origin and an {@code exp} in the next 24 h; the body is decrypted (RFC 8291 aes128gcm over RFC
 * 8188) with the subscription's private key and auth secret, so a test asserts the plaintext. Each subscription
 * can be told to answer 404, 410, 413, 429 or 5xx next.
 */
public final class LocalPushService implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
    private static final Base64.Encoder B64URL_OUT = Base64.getUrlEncoder().withoutPadding();

    /** A message the service accepted: the decrypted payload and the headers that steer delivery. */
    public record Received(String subscriptionId, JsonNode payload, String ttl, String urgency, String topic, Instant at) {
    }

    /** A request the service refused, and why. */
    public record Refused(String subscriptionId, int status, String reason) {
    }

    /** The browser side of one subscription: what {@code PushSubscription.toJSON()} gives, plus its private key. */
    public record Subscriber(String id, String json, KeyPair keys, byte[] authSecret) {
    }

    private final HttpServer server;
    private final byte[] vapidPublicKey;
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final Map<String, Deque<Answer>> scripted = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Refused> refused = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    private record Answer(int status, String retryAfter) {
    }

    /** Starts on a free loopback port; only messages signed with this VAPID public key (base64url) are taken. */
    public LocalPushService(String vapidPublicKey) throws IOException {
        this.vapidPublicKey = B64URL.decode(vapidPublicKey);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/push/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public Subscriber subscribe() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            byte[] auth = new byte[16];
            random.nextBytes(auth);
            String id = "sub" + ids.incrementAndGet();
            String json = JSON.createObjectNode()
                    .put("endpoint", origin() + "/push/" + id)
                    .putNull("expirationTime")
                    .set("keys", JSON.createObjectNode()
                            .put("p256dh", B64URL_OUT.encodeToString(uncompressed((ECPublicKey) keys.getPublic())))
                            .put("auth", B64URL_OUT.encodeToString(auth)))
                    .toString();
            Subscriber subscriber = new Subscriber(id, json, keys, auth);
            subscribers.put(id, subscriber);
            return subscriber;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next request for this subscription gets {@code status} (with {@code Retry-After}, if not null). */
    public void answerNext(Subscriber subscriber, int status, String retryAfter) {
        scripted.computeIfAbsent(subscriber.id(), k -> new ConcurrentLinkedDeque<>()).add(new Answer(status, retryAfter));
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(Subscriber subscriber) {
        return received.stream().filter(r -> r.subscriptionId().equals(subscriber.id())).toList();
    }

    public List<Refused> refused() {
        return List.copyOf(refused);
    }

    public List<Refused> refused(Subscriber subscriber) {
        return refused.stream().filter(r -> r.subscriptionId().equals(subscriber.id())).toList();
    }

    /** Requests for a subscription, taken or not. */
    public long requests(Subscriber subscriber) {
        return received(subscriber).size() + refused.stream().filter(r -> r.subscriptionId().equals(subscriber.id())).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestURI().getPath().substring("/push/".length());
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(8192);
            Subscriber subscriber = subscribers.get(id);
            if (subscriber == null || !"POST".equals(exchange.getRequestMethod())) {
                refuse(exchange, id, 404, "no such subscription");
                return;
            }
            String problem = problemWith(exchange, subscriber, body);
            if (problem != null) {
                refuse(exchange, id, problem.startsWith("vapid") ? 403 : 400, problem);
                return;
            }
            Answer answer = scripted.getOrDefault(id, new ConcurrentLinkedDeque<>()).poll();
            if (answer != null && answer.status() != 201) {
                if (answer.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
                }
                refuse(exchange, id, answer.status(), "scripted");
                return;
            }
            JsonNode payload = JSON.readTree(decrypt(subscriber, body));
            received.add(new Received(id, payload, header(exchange, "TTL"), header(exchange, "Urgency"), header(exchange, "Topic"),
                    Instant.now()));
            exchange.getResponseHeaders().add("Location", origin() + "/message/" + id + "-" + received.size());
            exchange.sendResponseHeaders(201, -1);
        } catch (GeneralSecurityException | RuntimeException e) {
            refused.add(new Refused(id, 400, "could not decrypt: " + e));
            exchange.sendResponseHeaders(400, -1);
        }
    }

    private void refuse(HttpExchange exchange, String id, int status, String reason) throws IOException {
        refused.add(new Refused(id, status, reason));
        exchange.sendResponseHeaders(status, -1);
    }

    /** What a push service checks before it queues a message; null when all is well. */
    private String problemWith(HttpExchange exchange, Subscriber subscriber, byte[] body) throws IOException {
        if (!"aes128gcm".equals(header(exchange, "Content-Encoding"))) {
            return "Content-Encoding must be aes128gcm";
        }
        if (header(exchange, "TTL") == null) {
            return "TTL is required (RFC 8030 5.2)";
        }
        String authorization = header(exchange, "Authorization");
        if (authorization == null || !authorization.startsWith("vapid ")) {
            return "vapid: no Authorization: vapid t=..., k=...";
        }
        Map<String, String> params = new ConcurrentHashMap<>();
        for (String part : authorization.substring("vapid ".length()).split(",")) {
            String[] kv = part.trim().split("=", 2);
            params.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        if (!Arrays.equals(B64URL.decode(params.getOrDefault("k", "")), vapidPublicKey)) {
            return "vapid: k is not the application server key the subscription was made with";
        }
        return problemWithJwt(params.getOrDefault("t", ""));
    }

    private String problemWithJwt(String jwt) throws IOException {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return "vapid: t is not a JWT";
        }
        JsonNode header = JSON.readTree(B64URL.decode(parts[0]));
        JsonNode claims = JSON.readTree(B64URL.decode(parts[1]));
        if (!"ES256".equals(header.path("alg").asText())) {
            return "vapid: alg must be ES256";
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(publicKey(vapidPublicKey));
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(B64URL.decode(parts[2]))) {
                return "vapid: the JWT signature does not verify";
            }
        } catch (GeneralSecurityException e) {
            return "vapid: the JWT signature does not verify: " + e;
        }
        if (!origin().equals(claims.path("aud").asText())) {
            return "vapid: aud must be " + origin() + ", was " + claims.path("aud").asText();
        }
        long exp = claims.path("exp").asLong();
        long now = Instant.now().getEpochSecond();
        if (exp <= now || exp > now + Duration.ofHours(24).toSeconds()) {
            return "vapid: exp must be within the next 24 h";
        }
        if (!claims.path("sub").asText().matches("(mailto:|https:).+")) {
            return "vapid: sub must be a mailto: or https: contact";
        }
        return null;
    }

    /** RFC 8291 section 3.4, then RFC 8188 for one record. */
    static byte[] decrypt(Subscriber subscriber, byte[] body) throws GeneralSecurityException {
        byte[] salt = Arrays.copyOfRange(body, 0, 16);
        int idLength = body[20] & 0xff;
        byte[] senderKey = Arrays.copyOfRange(body, 21, 21 + idLength);
        byte[] ciphertext = Arrays.copyOfRange(body, 21 + idLength, body.length);

        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(subscriber.keys().getPrivate());
        agreement.doPhase(publicKey(senderKey), true);
        byte[] ecdhSecret = agreement.generateSecret();

        byte[] receiverKey = uncompressed((ECPublicKey) subscriber.keys().getPublic());
        byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), receiverKey, senderKey);
        byte[] ikm = hmac(hmac(subscriber.authSecret(), ecdhSecret), concat(keyInfo, new byte[] {1}));
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII),
                new byte[] {1})), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII),
                new byte[] {1})), 12);

        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"),
                new GCMParameterSpec(128, nonce));
        byte[] padded = cipher.doFinal(ciphertext);
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) {
            end--;
        }
        if (end < 0 || padded[end] != 2) {
            throw new GeneralSecurityException("the last record must end with the delimiter 0x02");
        }
        return Arrays.copyOf(padded, end);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static PublicKey publicKey(byte[] uncompressed) throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
    }

    static byte[] uncompressed(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 4;
        copy32(key.getW().getAffineX(), out, 1);
        copy32(key.getW().getAffineY(), out, 33);
        return out;
    }

    private static void copy32(BigInteger value, byte[] out, int at) {
        byte[] bytes = value.toByteArray();
        int copy = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - copy, out, at + 32 - copy, copy);
    }

    private static String header(HttpExchange exchange, String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** All ids of subscriptions made so far, for a summary. */
    public List<String> subscriptionIds() {
        return new ArrayList<>(subscribers.keySet());
    }
}
