package dev.onramp.notifier.push;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.zerodeplibs.webpush.EncryptedPushMessage;
import com.zerodeplibs.webpush.MessageEncryption;
import com.zerodeplibs.webpush.MessageEncryptions;
import com.zerodeplibs.webpush.PushMessage;
import com.zerodeplibs.webpush.PushSubscription;
import com.zerodeplibs.webpush.UserAgentMessageEncryptionKeyInfo;
import com.zerodeplibs.webpush.jwt.VAPIDJWTParam;
import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.notifier.deciding.HttpAnswer;
import dev.onramp.notifier.deciding.Notification;
import dev.onramp.notifier.deciding.NotificationChannel;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.Sha256;

/**
 * Web Push (RFC 8030) to the browser subscription the platform registered: the payload encrypted with aes128gcm
 * (RFC 8291) and authorised by a VAPID JWT (RFC 8292), both by zerodep-web-push-java (the JWT signed once per push
 * service and reused for most of its 12 hours); sent with the JDK's client.
 *
 * <p>Headers set on purpose: {@code TTL} what is left of a day after the outcome (a purchase result a day late is
 * noise; a push service drops it rather than wake a device with it); {@code Urgency} high for a rejection (the user
 * may want to try again), normal for a success; {@code Topic} per session, so a message still queued for an offline
 * device is replaced rather than stacked.
 *
 * <p>Answers: 201 sent; 404/410 the subscription is gone (no retry; not used again); 413 the payload is our bug
 * (dead letter); 429 and 5xx retried, honouring {@code Retry-After}; another 4xx (a VAPID key that does not match the
 * subscription's) will not get better by retrying.
 */
public final class WebPushChannel implements NotificationChannel {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Duration LONGEST_TTL = Duration.ofDays(1);
    static final int MAX_PUSH_SERVICES = 64;

    private final VapidKeys vapid;
    private final HttpClient http;
    private final Duration timeout;
    private final OutboundUrlPolicy policy;
    private final Clock clock;
    private final MessageEncryption encryption = MessageEncryptions.of();
    /**
     * JWTs by push service origin. The origin comes from a subscription, which the end user's browser chose: the map
     * keeps the most recently used {@link #MAX_PUSH_SERVICES} (real browsers use a handful of push services).
     */
    private final Map<String, SignedJwt> jwts = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SignedJwt> eldest) {
            return size() > MAX_PUSH_SERVICES;
        }
    });

    private record SignedJwt(String header, Instant expiresAt) {
    }

    public WebPushChannel(VapidKeys vapid, Duration timeout, OutboundUrlPolicy policy, Clock clock) {
        this.vapid = vapid;
        this.timeout = timeout;
        this.policy = policy;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Channel kind() {
        return Channel.PUSH;
    }

    @Override
    public Optional<String> address(SessionRecipient recipient) {
        return Optional.ofNullable(recipient.getPushSubscription()).filter(s -> !s.isBlank());
    }

    /** The endpoint names the subscription; its keys change nothing about where it goes. */
    @Override
    public String identity(String address) {
        return parse(address).map(PushSubscription::getEndpoint).orElse(address);
    }

    @Override
    public String mask(String address) {
        Optional<String> endpoint = parse(address).map(PushSubscription::getEndpoint);
        if (endpoint.isEmpty()) {
            return "push:(unreadable subscription)";
        }
        String host = URI.create(endpoint.get()).getHost();
        String url = endpoint.get();
        return "push:" + host + "/…" + url.substring(Math.max(0, url.length() - 4));
    }

    @Override
    public ProviderAnswer deliver(Notification notification) {
        Optional<PushSubscription> subscription = parse(notification.address());
        if (subscription.isEmpty()) {
            return new ProviderAnswer.Permanent("the push subscription is not readable JSON with endpoint and keys");
        }
        Optional<String> refused = policy.refusalOnResolve(URI.create(subscription.get().getEndpoint()));
        if (refused.isPresent()) {
            return new ProviderAnswer.Permanent("push endpoint refused: it " + refused.get());
        }
        HttpRequest request;
        try {
            String endpoint = subscription.get().getEndpoint();
            EncryptedPushMessage encrypted = encryption.encrypt(UserAgentMessageEncryptionKeyInfo.from(subscription.get().getKeys()),
                    PushMessage.ofUTF8(PushPayload.of(notification.outcome(), notification.locale())));
            request = HttpRequest.newBuilder(URI.create(endpoint))
                    .timeout(timeout)
                    .header("Authorization", authorization(endpoint))
                    .header("Content-Type", encrypted.mediaType())
                    .header("Content-Encoding", encrypted.contentEncoding())
                    .header("TTL", Long.toString(ttlSeconds(notification)))
                    .header("Urgency", notification.outcome().getOutcome() == OutcomeKind.REJECTED ? "high" : "normal")
                    .header("Topic", topicOf(notification.outcome().getSessionId()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(encrypted.toBytes()))
                    .build();
        } catch (RuntimeException e) {
            return new ProviderAnswer.Permanent("could not encrypt the push message: " + e.getClass().getSimpleName());
        }
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return classify(response.statusCode(), response, clock);
        } catch (IOException e) {
            return new ProviderAnswer.Transient("push service did not answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProviderAnswer.Transient("interrupted while sending");
        }
    }

    /**
     * The VAPID {@code Authorization} header for the endpoint's push service: a JWT signed for its origin, valid
     * 12 hours and reused until its last hour, so a burst to one push service signs once, not once per message.
     */
    String authorization(String endpoint) {
        URI uri = URI.create(endpoint);
        String origin = uri.getScheme() + "://" + uri.getAuthority();
        Instant now = clock.instant();
        SignedJwt cached = jwts.get(origin);
        if (cached == null || !now.isBefore(cached.expiresAt().minus(Duration.ofHours(1)))) {
            Instant expiresAt = now.plus(Duration.ofHours(12));
            cached = new SignedJwt(vapid.pair().generateAuthorizationHeaderValue(VAPIDJWTParam.getBuilder()
                    .resourceURLString(endpoint).expirationTime(expiresAt).subject(vapid.subject()).build()), expiresAt);
            jwts.put(origin, cached);
        }
        return cached.header();
    }

    static ProviderAnswer classify(int status, HttpResponse<?> response, Clock clock) {
        if (HttpAnswer.succeeded(status)) {
            return new ProviderAnswer.Sent(response.headers().firstValue("Location").orElse("push " + status));
        }
        if (status == 404 || status == 410) {
            return new ProviderAnswer.Gone("push service answered " + status + ": the subscription has expired or was unsubscribed");
        }
        if (status == 413) {
            return new ProviderAnswer.Permanent("push service answered 413: the payload is too large");
        }
        if (status == 429 || status >= 500) {
            return new ProviderAnswer.Transient("push service answered " + status, HttpAnswer.retryAfter(response.headers(), clock));
        }
        return new ProviderAnswer.Permanent("push service answered " + status
                + (status == 401 || status == 403 ? ": the VAPID key is not the one the subscription was made with" : ""));
    }

    private long ttlSeconds(Notification notification) {
        Instant occurred = notification.outcome().getOccurredAt();
        Duration left = Duration.between(clock.instant(), occurred.plus(LONGEST_TTL));
        return Math.max(60, Math.min(LONGEST_TTL.toSeconds(), left.toSeconds()));
    }

    /** A Topic header is at most 32 base64url characters: a digest of the session id. */
    static String topicOf(String sessionId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.of(sessionId)).substring(0, 32);
    }

    static Optional<PushSubscription> parse(String json) {
        try {
            PushSubscription subscription = JSON.readValue(json, PushSubscription.class);
            boolean complete = subscription.getEndpoint() != null && subscription.getKeys() != null
                    && subscription.getKeys().getP256dh() != null && subscription.getKeys().getAuth() != null;
            return complete ? Optional.of(subscription) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    int pushServicesSigned() {
        return jwts.size();
    }
}
