package dev.onramp.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.devstack.stripe.FakeStripe;
import dev.onramp.ingest.mint.StripeOnramp;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.AlertKind;
import dev.onramp.schemas.EventSource;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.StripeAnswer;
import dev.onramp.schemas.StripeLookup;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.testkit.DevStackExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /v1/onramp-sessions} against a real broker and the local Stripe: what is written, what is answered,
 * and each way Stripe can say no.
 */
class MintIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    private static final String STRIPE_KEY = "sk_test_mint_integration_0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MINT = """
        {"destination_networks": ["ethereum"], "destination_network": "ethereum", "destination_currency": "eth",
         "source_amount": "150.00", "source_currency": "usd", "customer_ip_address": "%s",
         "wallet_addresses": {"ethereum": "0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2"}, "appearance": {"theme": "dark"},
         "customer_information": {"email": "minted@example.com", "first_name": "Ada", "last_name": "Lovelace",
                                  "dob": {"year": 1990, "month": 4, "day": 1}, "address": {"country": "US", "line1": "1 Market St"}}}
        """;

    private static FakeStripe stripe;
    private static IngestFixture ingest;

    @BeforeAll
    static void start() throws Exception {
        stripe = new FakeStripe(0, STRIPE_KEY, null, 1);
        ingest = new IngestFixture(STACK, Map.of("STRIPE_API_KEY", STRIPE_KEY, "STRIPE_API_BASE", stripe.apiBase(), "STRIPE_TIMEOUT", "1s"));
    }

    @AfterAll
    static void stop() {
        ingest.close();
        stripe.close();
    }

    @BeforeEach
    void reset() {
        stripe.shutOff(false);
        stripe.hang(Duration.ZERO);
        stripe.failNext(0, 500);
    }

    @Test
    void aMintIsWrittenAsTheSessionsFirstStateWithItsRecipientAndOnlyThePlatformGetsTheClientSecret() throws Exception {
        HttpResponse<String> answer = mint("mint-request-0001", MINT.formatted("8.8.8.8"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode session = JSON.readTree(answer.body());
        String id = session.path("id").asText();
        assertThat(session.path("client_secret").asText()).startsWith(id + "_secret_");
        assertThat(session.path("status").asText()).isEqualTo("initialized");

        List<ConsumerRecord<String, OnrampSessionEvent>> events = mine(ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class), id);
        assertThat(events).hasSize(1);
        OnrampSessionEvent minted = events.get(0).value();
        assertThat(minted.getEventId()).isEqualTo("mint_" + id);
        assertThat(minted.getSource()).isEqualTo(EventSource.MINT);
        assertThat(minted.getStatus()).isEqualTo(SessionStatus.INITIALIZED);
        assertThat(minted.getTransactionDetails().getSourceAmount()).isEqualTo("150.00");
        assertThat(minted.getTransactionDetails().getWalletAddresses()).containsKey("ethereum");
        List<ConsumerRecord<String, SessionRecipient>> recipients = mine(ingest.readOpened(Topics.RECIPIENTS.name(), SessionRecipient.class), id);
        assertThat(recipients).singleElement().satisfies(r -> assertThat(r.value().getEmail()).isEqualTo("minted@example.com"));
        assertThat(answer.headers().firstValue("Onramp-Recipient-Skipped")).isEmpty();

        for (var topic : Topics.ALL) {
            for (byte[] value : TopicReader.rawValues(STACK.bootstrapServers(), topic.name())) {
                String text = value == null ? "" : new String(value, StandardCharsets.ISO_8859_1);
                assertThat(text).as(topic.name()).doesNotContain("_secret_").doesNotContain("Lovelace").doesNotContain("1 Market St")
                        .doesNotContain("8.8.8.8");
            }
        }
    }

    @Test
    void aCustomerEmailThePipelineCannotSendToMintsWithoutARecipientAndSaysSo() throws Exception {
        HttpResponse<String> answer = mint("mint-request-intl", MINT.formatted("8.8.8.8").replace("minted@example.com", "josé@example.com"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String id = JSON.readTree(answer.body()).path("id").asText();
        assertThat(answer.headers().firstValue("Onramp-Recipient-Skipped")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("customer_information.email").contains("PUT /v1/sessions/{id}/recipient").doesNotContain("josé"));
        assertThat(mine(ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class), id)).hasSize(1);
        assertThat(mine(ingest.read(Topics.RECIPIENTS.name(), SessionRecipient.class), id)).isEmpty();

        HttpResponse<String> explicit = mint("mint-request-intl-2", MINT.formatted("8.8.8.8").replace("\"customer_information\"",
                "\"recipient\": {\"email\": \"josé@example.com\"}, \"customer_information\""));
        assertError(explicit, 400, "parameter_invalid");
        assertThat(JSON.readTree(explicit.body()).path("error").path("param").asText()).as("a recipient the platform chose").isEqualTo("recipient");
    }

    @Test
    void aRetriedMintReturnsTheSameSessionAndStripeCreatesOne() throws Exception {
        int before = stripe.sessionsCreated();
        HttpResponse<String> first = mint("mint-request-retry", MINT.formatted("8.8.4.4"));
        HttpResponse<String> again = mint("mint-request-retry", MINT.formatted("8.8.4.4"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("id")).isEqualTo(JSON.readTree(first.body()).path("id"));
        assertThat(stripe.sessionsCreated()).isEqualTo(before + 1);
        assertError(mint(null, MINT.formatted("8.8.4.4")), 400, "idempotency_key_required");
    }

    @Test
    void eachOfStripesRefusalsIsAnsweredClearlyAndNothingIsWritten() throws Exception {
        int eventsBefore = ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class).size();
        assertError(mint("geo-1", MINT.formatted("203.0.113.9")), 400, "crypto_onramp_unsupportable_customer");
        stripe.shutOff(true);
        assertError(mint("fraud-1", MINT.formatted("8.8.8.8")), 400, "crypto_onramp_disabled");
        stripe.shutOff(false);
        stripe.failNext(10, 429);
        assertError(mint("busy-1", MINT.formatted("8.8.8.8")), 503, "rate_limit");
        stripe.failNext(1, 403);
        assertError(mint("perm-1", MINT.formatted("8.8.8.8")), 502, "stripe_permission");
        stripe.accountNotEnabled(true);
        assertError(mint("live-1", MINT.formatted("8.8.8.8")), 502, "stripe_account_not_enabled");
        stripe.accountNotEnabled(false);
        stripe.failNext(10, 500);
        assertError(mint("down-1", MINT.formatted("8.8.8.8")), 502, "stripe_error");
        stripe.failNext(0, 500);
        stripe.hang(Duration.ofSeconds(3));
        assertError(mint("slow-1", MINT.formatted("8.8.8.8")), 503, "stripe_unavailable");
        stripe.hang(Duration.ZERO);
        assertThat(ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class)).hasSize(eventsBefore);
        assertThat(ingest.admin("/metrics").body()).as("each told apart in the metric")
                .contains("onramp_ingest_mints_total{outcome=\"stripe_permission\"} 1.0")
                .contains("onramp_ingest_mints_total{outcome=\"stripe_account_not_enabled\"} 1.0")
                .contains("onramp_ingest_mints_total{outcome=\"rate_limit\"} 1.0")
                .contains("onramp_ingest_mints_total{outcome=\"stripe_error\"} 1.0")
                .contains("onramp_ingest_mints_total{outcome=\"stripe_unavailable\"} 1.0");
    }

    @Test
    void mintsPastTheLimitWaitingOnASlowStripeAreAnswered503AtOnce() throws Exception {
        stripe.hang(Duration.ofSeconds(3));
        try (IngestFixture capped = new IngestFixture(STACK, Map.of("STRIPE_API_KEY", STRIPE_KEY, "STRIPE_API_BASE", stripe.apiBase(),
                "STRIPE_TIMEOUT", "1s", "MINT_MAX_CONCURRENT", "1"))) {
            var first = CompletableFuture.supplyAsync(() -> capped.send(HttpRequest.newBuilder(
                    URI.create(capped.url("/v1/onramp-sessions"))).header("Authorization", "Bearer " + IngestFixture.API_KEY)
                    .header("Idempotency-Key", "slow-1").POST(HttpRequest.BodyPublishers.ofString(MINT.formatted("8.8.8.8"))).build()));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stripe.requestsWaiting() > 0);
            HttpResponse<String> second = capped.send(HttpRequest.newBuilder(URI.create(capped.url("/v1/onramp-sessions")))
                    .header("Authorization", "Bearer " + IngestFixture.API_KEY).header("Idempotency-Key", "slow-2")
                    .POST(HttpRequest.BodyPublishers.ofString(MINT.formatted("8.8.8.8"))).build());
            assertError(second, 503, "mint_capacity");
            assertThat(second.headers().firstValue("Retry-After")).contains("1");
            assertError(first.get(), 503, "stripe_unavailable");
        } finally {
            stripe.hang(Duration.ZERO);
        }
    }

    @Test
    void aWrongApiKeyIsTheOperatorsProblemNotThePlatforms() throws Exception {
        try (IngestFixture misconfigured = new IngestFixture(STACK, Map.of("STRIPE_API_KEY", "sk_test_wrong_key_000000000",
                "STRIPE_API_BASE", stripe.apiBase()))) {
            HttpResponse<String> answer = misconfigured.send(HttpRequest.newBuilder(URI.create(misconfigured.url("/v1/onramp-sessions")))
                    .header("Authorization", "Bearer " + IngestFixture.API_KEY).header("Idempotency-Key", "key-1")
                    .POST(HttpRequest.BodyPublishers.ofString(MINT.formatted("8.8.8.8"))).build());
            assertError(answer, 502, "stripe_authentication");
        }
    }

    @Test
    void aRuleBrokenIsRefusedBeforeStripeIsCalled() throws Exception {
        int before = stripe.sessionsCreated();
        HttpResponse<String> answer = mint("rule-1", "{\"source_amount\":\"10.005\"}");
        assertError(answer, 400, "parameter_invalid");
        assertThat(JSON.readTree(answer.body()).path("error").path("param").asText()).isEqualTo("source_amount");
        assertThat(stripe.sessionsCreated()).isEqualTo(before);
    }

    @Test
    void anAlertedSessionIsLookedUpAtStripeAndALookupThatFailsIsTriedAgain() throws Exception {
        HttpResponse<String> answer = mint("reconcile-me", MINT.formatted("8.8.8.8"));
        String id = JSON.readTree(answer.body()).path("id").asText();
        stripe.failNext(6, 500);
        var connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        try (var producer = new KafkaProducer<String, SessionAlert>(connection.clientConfig(), new StringSerializer(),
                new RegistryAvroSerializer<>(connection.registryClient()))) {
            producer.send(new ProducerRecord<>(Topics.SESSION_ALERTS.name(), id, SessionAlert.newBuilder().setSessionId(id)
                    .setKind(AlertKind.SILENT_SINCE_MINTED).setStatus(SessionStatus.INITIALIZED).setStatusSince(Instant.now())
                    .setDetectedAt(Instant.now()).setSequence(1).build())).get();
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                mine(ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class), id).stream()
                        .anyMatch(r -> r.value().getSource() == EventSource.RECONCILIATION));
        OnrampSessionEvent reconciled = mine(ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class), id).stream()
                .map(ConsumerRecord::value).filter(e -> e.getSource() == EventSource.RECONCILIATION).findFirst().orElseThrow();
        assertThat(reconciled.getEventId()).isEqualTo("recon_" + id + "_initialized");
        assertThat(reconciled.getEventCreated()).as("the session's creation, never newer than a webhook").isBeforeOrEqualTo(Instant.now());
        assertThat(reconciled.getStatusObservedAt()).as("when Stripe answered").isAfter(reconciled.getEventCreated());
        assertThat(ingest.admin("/health/ready").body()).contains("\"reconciliation\":\"UP\"");
        List<StripeLookup> lookups = mine(ingest.read(Topics.STRIPE_LOOKUPS.name(), StripeLookup.class), id).stream()
                .map(ConsumerRecord::value).toList();
        assertThat(lookups).as("failed tries are retried, not recorded").singleElement().satisfies(lookup -> {
            assertThat(lookup.getAnswer()).isEqualTo(StripeAnswer.FOUND);
            assertThat(lookup.getStatusRaw()).isEqualTo("initialized");
            assertThat(lookup.getEventId()).isEqualTo(reconciled.getEventId());
            assertThat(lookup.getAlertKind()).isEqualTo("SILENT_SINCE_MINTED");
        });
    }

    @Test
    void aSessionStripeDoesNotKnowIsRecordedForAnOperatorAndPastTheHorizonNobodyAsks() throws Exception {
        String unknown = "cos_NeverMintedAtThisStripe1";
        String late = "cos_PastTheHorizonSession01";
        int lookupsBefore = stripe.lookups();
        var connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        try (var producer = new KafkaProducer<String, SessionAlert>(connection.clientConfig(), new StringSerializer(),
                new RegistryAvroSerializer<>(connection.registryClient()))) {
            // One partition for both, so the reconciler has passed the first when the second's lookup shows.
            producer.send(new ProducerRecord<>(Topics.SESSION_ALERTS.name(), 0, late, SessionAlert.newBuilder().setSessionId(late)
                    .setKind(AlertKind.PAST_FINAL_HORIZON).setStatus(SessionStatus.REQUIRES_PAYMENT).setStatusSince(Instant.now())
                    .setDetectedAt(Instant.now()).setSequence(9).build())).get();
            producer.send(new ProducerRecord<>(Topics.SESSION_ALERTS.name(), 0, unknown, SessionAlert.newBuilder().setSessionId(unknown)
                    .setKind(AlertKind.QUIET).setStatus(SessionStatus.REQUIRES_PAYMENT).setStatusSince(Instant.now())
                    .setDetectedAt(Instant.now()).setSequence(1).build())).get();
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                !mine(ingest.read(Topics.STRIPE_LOOKUPS.name(), StripeLookup.class), unknown).isEmpty());
        StripeLookup lookup = mine(ingest.read(Topics.STRIPE_LOOKUPS.name(), StripeLookup.class), unknown).get(0).value();
        assertThat(lookup.getAnswer()).isEqualTo(StripeAnswer.UNKNOWN_AT_STRIPE);
        assertThat(lookup.getEventId()).isNull();
        assertThat(mine(ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class), unknown)).isEmpty();
        assertThat(stripe.lookups() - lookupsBefore).as("the session past the horizon is not looked up").isEqualTo(1);
        assertThat(mine(ingest.read(Topics.STRIPE_LOOKUPS.name(), StripeLookup.class), late)).isEmpty();
    }

    @Test
    void stripesListIsPagedWithItsOwnQueryEncoding() throws Exception {
        String id = JSON.readTree(mint("list-me", MINT.formatted("8.8.8.8")).body()).path("id").asText();
        StripeOnramp client = new StripeOnramp(stripe.apiBase(), STRIPE_KEY, Duration.ofSeconds(5));
        StripeOnramp.Answer page = client.list(Instant.now().minusSeconds(60).getEpochSecond(), null, 100);
        assertThat(page).isInstanceOf(StripeOnramp.Answer.Session.class);
        List<String> ids = new ArrayList<>();
        ((StripeOnramp.Answer.Session) page).session().path("data").forEach(s -> ids.add(s.path("id").asText()));
        assertThat(ids).contains(id);
        StripeOnramp.Answer none = client.list(Instant.now().plusSeconds(3600).getEpochSecond(), null, 100);
        assertThat(((StripeOnramp.Answer.Session) none).session().path("data")).isEmpty();
    }

    private static HttpResponse<String> mint(String idempotencyKey, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingest.url("/v1/onramp-sessions")))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + IngestFixture.API_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return ingest.send(request.build());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).as(response.body()).isEqualTo(code);
    }

    private static <V> List<ConsumerRecord<String, V>> mine(List<ConsumerRecord<String, V>> records, String sessionId) {
        return records.stream().filter(r -> sessionId.equals(r.key())).toList();
    }
}
