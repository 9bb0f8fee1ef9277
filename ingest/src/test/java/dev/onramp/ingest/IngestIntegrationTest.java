package dev.onramp.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.SealedValue;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.ChannelSuppression;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.SuppressionKeys;
import dev.onramp.schemas.SuppressionReason;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookDeadLetter;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.http.ForwardingProxy;
import dev.onramp.testkit.http.LoopbackClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every answer ingest gives, checked against what the real broker then holds. The tests run in order and each
 * checks exact counts, so a write that should not have happened shows up in the next count.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    static IngestFixture ingest;

    private static final String SESSION = "cos_0MYfrA2eZvKYlo2CMoXbgkWb";
    private static final long NOW = System.currentTimeMillis() / 1000;
    private static final String UNSUBSCRIBE_SECRET = "unsubscribe-secret-for-tests-0123";
    private static final String P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
    private static final String AUTH = "tBHItJI5svbpez7KI4CCXg";

    @BeforeAll
    static void start() {
        ingest = new IngestFixture(STACK, Map.of("UNSUBSCRIBE_SECRETS", UNSUBSCRIBE_SECRET));
    }

    @AfterAll
    static void stop() {
        ingest.close();
    }

    @Test
    @Order(1)
    void aVerifiedSessionEventIsWrittenAsRawAndMappedEventBeforeThe200() {
        String body = OnrampEvents.sessionUpdated("evt_A1", SESSION, "fulfillment_complete", NOW);
        var response = ingest.postWebhook(body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"received\":true");

        List<ConsumerRecord<String, RawWebhook>> raw = ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class);
        List<ConsumerRecord<String, OnrampSessionEvent>> events = ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class);
        assertThat(raw).hasSize(1);
        assertThat(events).hasSize(1);
        RawWebhook rawWebhook = raw.get(0).value();
        assertThat(raw.get(0).key()).isEqualTo(SESSION);
        assertThat(rawWebhook.getEventId()).isEqualTo("evt_A1");
        assertThat(rawWebhook.getPayload()).startsWith(SealedValue.PREFIX);
        assertThat(ingest.opened(rawWebhook.getPayload())).contains("[REDACTED]").doesNotContain(OnrampEvents.clientSecretOf(SESSION));
        assertThat(rawWebhook.getBodySha256()).hasSize(64);
        assertThat(rawWebhook.getVerifiedBy()).startsWith("1:");
        OnrampSessionEvent event = events.get(0).value();
        assertThat(events.get(0).key()).isEqualTo(SESSION);
        assertThat(event.getStatus()).isEqualTo(SessionStatus.FULFILLMENT_COMPLETE);
        assertThat(event.getTransactionDetails().getDestinationAmount()).isEqualTo("0.031415926535897932");
        assertThat(event.getBodySha256()).isEqualTo(rawWebhook.getBodySha256());
    }

    @Test
    @Order(2)
    void redeliveriesAreAllWrittenAndUnknownStatusesKept() {
        String body = OnrampEvents.sessionUpdated("evt_A1", SESSION, "fulfillment_complete", NOW);
        assertThat(ingest.postWebhook(body).statusCode()).isEqualTo(200);
        String future = OnrampEvents.sessionUpdated("evt_A2", SESSION, "requires_verification", NOW);
        assertThat(ingest.postWebhook(future).statusCode()).isEqualTo(200);

        var events = ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class);
        assertThat(events).hasSize(3);
        assertThat(events.get(1).value().getEventId()).isEqualTo("evt_A1");
        assertThat(events.get(2).value().getStatus()).isEqualTo(SessionStatus.UNKNOWN);
        assertThat(events.get(2).value().getStatusRaw()).isEqualTo("requires_verification");
    }

    @Test
    @Order(3)
    void otherEventTypesAreRecordedRawOnly() {
        String body = "{\"id\":\"evt_B1\",\"object\":\"event\",\"type\":\"customer.created\",\"created\":" + NOW
                + ",\"data\":{\"object\":{\"id\":\"cus_123\"}}}";
        assertThat(ingest.postWebhook(body).statusCode()).isEqualTo(200);
        var raw = ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class);
        assertThat(raw).hasSize(4);
        var customerEvent = raw.stream().filter(r -> r.key().equals("evt_B1")).findFirst().orElseThrow();
        assertThat(customerEvent.value().getEventType()).isEqualTo("customer.created");
        assertThat(customerEvent.value().getSessionId()).isNull();
        assertThat(ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class)).hasSize(3);
    }

    @Test
    @Order(4)
    void badSignaturesAre400AndWriteNothing() {
        String body = OnrampEvents.sessionUpdated("evt_C1", SESSION, "rejected", NOW);
        assertError(ingest.postWebhook(body, null), 400, "missing_signature");
        assertError(ingest.postWebhook(body, "t=abc"), 400, "malformed_signature");
        assertError(ingest.postWebhook(body, WebhookSigner.header("whsec_forged_secret", NOW, body)), 400, "signature_mismatch");
        assertError(ingest.postWebhook(body, WebhookSigner.header(IngestFixture.SECRET, NOW - 3600, body)), 400, "timestamp_too_old");
        assertError(ingest.postWebhook(body, WebhookSigner.header(IngestFixture.SECRET, NOW + 3600, body)), 400, "timestamp_in_future");
        assertError(ingest.postWebhook(body + " ", WebhookSigner.header(IngestFixture.SECRET, NOW, body)), 400, "signature_mismatch");

        assertThat(ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class)).hasSize(4);
        assertThat(ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class)).hasSize(3);
        assertThat(ingest.read(Topics.WEBHOOKS_DLQ.name(), WebhookDeadLetter.class)).isEmpty();
    }

    @Test
    @Order(5)
    void aBodyOverOneMebibyteIs413() {
        String body = "{\"id\":\"evt_big\",\"pad\":\"" + "x".repeat(1 << 20) + "\"}";
        assertError(ingest.postWebhook(body), 413, "payload_too_large");
        assertThat(ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class)).hasSize(4);
    }

    @Test
    @Order(6)
    void verifiedButUnmappableBodiesGoToTheDeadLetterTopicRedacted() {
        String notJson = "this is not json but has " + OnrampEvents.clientSecretOf(SESSION);
        assertError(ingest.postWebhook(notJson), 400, "unmappable_event");
        String noId = "{\"type\":\"crypto.onramp_session_updated\",\"created\":1,\"data\":{\"object\":{\"id\":\"" + SESSION
                + "\",\"client_secret\":\"" + OnrampEvents.clientSecretOf(SESSION) + "\",\"status\":\"initialized\"}}}";
        assertError(ingest.postWebhook(noId), 400, "unmappable_event");

        // Keyed by body hash, so the two may sit on different partitions: find each by its hash.
        Map<String, WebhookDeadLetter> dlq = new HashMap<>();
        ingest.read(Topics.WEBHOOKS_DLQ.name(), WebhookDeadLetter.class).forEach(r -> dlq.put(r.key(), r.value()));
        assertThat(dlq).hasSize(2);
        WebhookDeadLetter notJsonLetter = dlq.get(sha256(notJson));
        assertThat(notJsonLetter.getReason()).isEqualTo("body is not JSON");
        assertThat(StandardCharsets.UTF_8.decode(notJsonLetter.getBody()).toString())
                .isEqualTo("this is not json but has [REDACTED]");
        WebhookDeadLetter noIdLetter = dlq.get(sha256(noId));
        assertThat(noIdLetter.getReason()).isEqualTo("missing or empty id");
        assertThat(noIdLetter.getBodySha256()).isEqualTo(sha256(noId));
        assertThat(noIdLetter.getVerifiedBy()).startsWith("1:");
        assertThat(ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class)).hasSize(4);
    }

    @Test
    @Order(7)
    void thePlatformRecordsAndRemovesARecipient() {
        String put = "{\"email\":\"buyer@example.com\",\"locale\":\"fr\"}";
        assertError(ingest.recipient("PUT", SESSION, put, null), 401, "unauthorized");
        assertError(ingest.recipient("PUT", SESSION, put, "wrong-key-wrong-key-wrong"), 401, "unauthorized");
        assertError(ingest.recipient("PUT", "cos_bad!", put, IngestFixture.API_KEY), 400, "invalid_session_id");
        assertError(ingest.recipient("PUT", SESSION, "{\"email\":\"Buyer <buyer@example.com>\"}", IngestFixture.API_KEY), 400, "invalid_email");
        String klingon = "{\"email\":\"buyer@example.com\",\"locale\":\"klingon\"}";
        assertError(ingest.recipient("PUT", SESSION, klingon, IngestFixture.API_KEY), 400, "invalid_locale");
        assertError(ingest.recipient("PUT", SESSION, "not json", IngestFixture.API_KEY), 400, "invalid_body");

        assertThat(ingest.recipient("PUT", SESSION, put, IngestFixture.API_KEY).statusCode()).isEqualTo(204);
        assertThat(ingest.recipient("DELETE", SESSION, null, IngestFixture.API_KEY).statusCode()).isEqualTo(204);

        assertThat(ingest.read(Topics.RECIPIENTS.name(), SessionRecipient.class).get(0).value().getEmail())
                .as("sealed on the topic").startsWith(SealedValue.PREFIX);
        var recipients = ingest.readOpened(Topics.RECIPIENTS.name(), SessionRecipient.class);
        assertThat(recipients).hasSize(2);
        assertThat(recipients.get(0).key()).isEqualTo(SESSION);
        assertThat(recipients.get(0).value().getEmail()).isEqualTo("buyer@example.com");
        assertThat(recipients.get(0).value().getLocale()).isEqualTo("fr");
        assertThat(recipients.get(1).key()).isEqualTo(SESSION);
        assertThat(recipients.get(1).value()).isNull();
    }

    @Test
    @Order(8)
    void operationsEndpointsAnswerOnTheAdminPortOnly() {
        for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
            assertThat(ingest.get(path).statusCode()).as("public port: " + path).isEqualTo(404);
        }
        assertThat(ingest.admin("/health/live").statusCode()).isEqualTo(200);
        var ready = ingest.admin("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"kafka\":\"UP\"").contains("\"schema-registry\":\"UP\"");
        String metrics = ingest.admin("/metrics").body();
        assertThat(metrics).contains("onramp_ingest_webhooks_total{outcome=\"accepted\"} 3.0");
        assertThat(metrics).contains("onramp_ingest_webhooks_total{outcome=\"dead_lettered\"} 2.0");
        assertThat(metrics).contains("onramp_ingest_signature_failures_total{reason=\"signature_mismatch\"} 2.0");
        assertThat(metrics).contains("onramp_ingest_produce_latency_seconds_bucket");
    }

    @Test
    @Order(9)
    void noClientSecretBytesAnywhereInAnyTopic() {
        byte[] secret = OnrampEvents.clientSecretOf(SESSION).getBytes(StandardCharsets.UTF_8);
        byte[] secretPart = "_secret_".getBytes(StandardCharsets.UTF_8);
        for (var topic : Topics.ALL) {
            for (byte[] value : TopicReader.rawValues(STACK.bootstrapServers(), topic.name())) {
                if (value == null) {
                    continue;
                }
                assertThat(indexOf(value, secret)).as(topic.name()).isEqualTo(-1);
                assertThat(indexOf(value, secretPart)).as(topic.name()).isEqualTo(-1);
            }
        }
    }

    @Test
    @Order(10)
    void aRecipientNamesItsChannelsAndClientChosenUrlsMustBePublicHttps() {
        String session = "cos_ChannelsRecipient01";
        String push = "{\"endpoint\":\"https://fcm.googleapis.com/fcm/send/abc123\",\"expirationTime\":null,"
                + "\"keys\":{\"p256dh\":\"" + P256DH + "\",\"auth\":\"" + AUTH + "\"}}";
        String all = "{\"push_subscription\":" + push + ",\"webhook_url\":\"https://platform.example.com/hooks\",\"locale\":\"es\"}";
        assertThat(ingest.recipient("PUT", session, all, IngestFixture.API_KEY).statusCode()).isEqualTo(204);

        assertError(ingest.recipient("PUT", session, "{\"locale\":\"en\"}", IngestFixture.API_KEY), 400, "no_channel");
        assertError(ingest.recipient("PUT", session, "{\"webhook_url\":\"http://platform.example.com/hooks\"}", IngestFixture.API_KEY),
                400, "invalid_webhook_url");
        assertError(ingest.recipient("PUT", session, "{\"webhook_url\":\"https://169.254.169.254/latest\"}", IngestFixture.API_KEY),
                400, "invalid_webhook_url");
        assertError(ingest.recipient("PUT", session, "{\"push_subscription\":" + push.replace("https://fcm.googleapis.com", "https://10.0.0.7")
                + "}", IngestFixture.API_KEY), 400, "invalid_push_subscription");
        assertError(ingest.recipient("PUT", session, "{\"push_subscription\":" + push.replace(AUTH, "c2hvcnQ") + "}", IngestFixture.API_KEY),
                400, "invalid_push_subscription");
        assertError(ingest.recipient("PUT", session, "{\"push_subscription\":\"yes\"}", IngestFixture.API_KEY), 400,
                "invalid_push_subscription");

        var mine = ingest.readOpened(Topics.RECIPIENTS.name(), SessionRecipient.class).stream().filter(r -> r.key().equals(session)).toList();
        assertThat(mine).hasSize(1);
        SessionRecipient kept = mine.get(0).value();
        assertThat(kept.getEmail()).isNull();
        assertThat(kept.getWebhookUrl()).isEqualTo("https://platform.example.com/hooks");
        assertThat(kept.getPushSubscription()).contains("\"endpoint\":\"https://fcm.googleapis.com/fcm/send/abc123\"")
                .contains(P256DH).contains(AUTH).doesNotContain("expirationTime");
    }

    @Test
    @Order(11)
    void theOneClickUnsubscribeLinkSuppressesTheAddressAndAGetChangesNothing() {
        String token = SuppressionKeys.unsubscribeToken(UNSUBSCRIBE_SECRET, "Leaving@Example.com");
        HttpResponse<String> page = ingest.get("/unsubscribe?t=" + token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=post").doesNotContain("Leaving@");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'", "frame-ancestors 'none'", "form-action 'self'").doesNotContain("unsafe"));
        String style = page.body().substring(page.body().indexOf("<style>") + 7, page.body().indexOf("</style>"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).as("the page's own style is allowed, by its hash")
                .hasValueSatisfying(csp -> assertThat(csp).contains("'sha256-" + Base64.getEncoder().encodeToString(
                        sha256Bytes(style)) + "'"));
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(ingest.read(Topics.SUPPRESSIONS.name(), ChannelSuppression.class)).as("a GET (a link scanner) changes nothing").isEmpty();

        HttpResponse<String> forged = ingest.send(HttpRequest.newBuilder(ingest.uri("/unsubscribe?t="
                + SuppressionKeys.unsubscribeToken("some-other-secret-0123456789", "victim@example.com")))
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
        assertThat(forged.statusCode()).isEqualTo(400);

        HttpResponse<String> oneClick = ingest.send(HttpRequest.newBuilder(ingest.uri("/unsubscribe?t=" + token))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
        assertThat(oneClick.statusCode()).isEqualTo(200);
        var suppressions = ingest.read(Topics.SUPPRESSIONS.name(), ChannelSuppression.class);
        assertThat(suppressions).hasSize(1);
        assertThat(suppressions.get(0).key()).isEqualTo(SuppressionKeys.key(Channel.EMAIL, "leaving@example.com"));
        assertThat(suppressions.get(0).value().getReason()).isEqualTo(SuppressionReason.UNSUBSCRIBED);
    }

    @Test
    @Order(12)
    void aKeyGuesserBehindTheProxyLocksOutNobodyButItself() {
        try (IngestFixture behindProxy = new IngestFixture(STACK, Map.of("TRUSTED_PROXIES", "127.0.0.1/32"));
             ForwardingProxy proxy = new ForwardingProxy(URI.create(behindProxy.url("")))) {
            URI viaProxy = proxy.uri().resolve("/v1/sessions/cos_BehindTheProxy01/recipient");
            URI direct = URI.create(behindProxy.url("/v1/sessions/cos_BehindTheProxy01/recipient"));
            String put = "{\"email\":\"buyer@example.com\"}";
            LoopbackClient guesser = new LoopbackClient("127.0.0.66");
            LoopbackClient platform = new LoopbackClient("127.0.0.77");

            List<Integer> guesses = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                guesses.add(guesser.send("PUT", viaProxy, bearer("guess-" + i + "-abcdefghijklmnop"), put));
            }
            assertThat(guesses.subList(0, 10)).as("the first failures").containsOnly(401);
            assertThat(guesses.subList(10, guesses.size())).as("then the guesser is told to wait").containsOnly(429);

            assertThat(guesser.send("PUT", viaProxy, bearer(IngestFixture.API_KEY), put))
                    .as("a valid key from the guesser's own address, through the same proxy").isEqualTo(204);
            assertThat(platform.send("PUT", viaProxy, bearer(IngestFixture.API_KEY), put)).as("the platform").isEqualTo(204);
            assertThat(platform.send("PUT", viaProxy, bearer("a-revoked-key-0123456789"), put))
                    .as("another client's failures are its own").isEqualTo(401);
            assertThat(guesser.send("PUT", direct, Map.of("Authorization", "Bearer wrong-key-0123456789",
                    "X-Forwarded-For", "198.51.100.9"), put)).as("a header from a peer that is no proxy is not believed").isEqualTo(429);
            assertThat(new LoopbackClient("127.0.0.88").send("PUT", direct, Map.of("Authorization", "Bearer wrong-key-0123456789",
                    "X-Forwarded-For", "127.0.0.66"), put)).as("nor can it lock out someone else").isEqualTo(401);
        }
    }

    private static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains("\"error\":\"" + code + "\"");
        assertThat(response.body()).doesNotContain(IngestFixture.SECRET).doesNotContain("_secret_");
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] sha256Bytes(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
