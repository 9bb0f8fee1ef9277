package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.simulate.MintSimulation;
import dev.onramp.devstack.stripe.FakeStripe;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.AlertKind;
import dev.onramp.schemas.EventSource;
import dev.onramp.schemas.OccurredAtSource;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.StripeLookup;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import dev.onramp.testkit.DevStackExtension;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions minted through ingest at the local Stripe, whose webhooks are then lost: the processor notices the
 * silence, ingest looks the sessions up at Stripe, and each ends with exactly one outcome and one email; the lost
 * webhooks, delivered late after all, change nothing.
 */
class MintAndReconcileIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    private static final String WEBHOOK_SECRET = "whsec_mint_reconcile_secret_0123456789";
    private static final String API_KEY = "mint-reconcile-platform-key-0123456789";
    private static final String STRIPE_KEY = "sk_test_mint_reconcile_0123456789";
    private static final int SESSIONS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void mintedSessionsWhoseWebhooksWereLostAreReconciledAndToldOnce() throws Exception {
        GreenMail greenMail = startedMailServer();
        int ingestPort = FreePorts.pick();
        FakeStripe.Lifecycle lifecycle = lifecycle(ingestPort, Duration.ofMillis(300), 0);
        try (FakeStripe stripe = new FakeStripe(0, STRIPE_KEY, lifecycle, 3)) {
            Env config = env(ingestPort, greenMail.getSmtp().getPort(), stripe.apiBase());
            stripe.dropWebhooks(true);
            try (IngestService ingest = IngestService.start(IngestConfig.fromEnv(config));
                 ProcessorService processor = ProcessorService.start(ProcessorConfig.fromEnv(config));
                 NotifierService notifier = NotifierService.start(NotifierConfig.fromEnv(config))) {
                processor.awaitRunning(Duration.ofSeconds(60));
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < SESSIONS; i++) {
                    URI mint = URI.create("http://127.0.0.1:" + ingestPort + "/v1/onramp-sessions");
                    HttpResponse<String> minted = http.send(HttpRequest.newBuilder(mint)
                            .header("Authorization", "Bearer " + API_KEY).header("Idempotency-Key", "reconcile-test-" + i)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"destination_network\":\"ethereum\",\"destination_currency\":\"eth\","
                                    + "\"source_amount\":\"100.00\",\"recipient\":{\"email\":\"reconciled" + i + "@example.com\"}}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
                }
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stripe.webhooksDropped() == 3L * SESSIONS);

                // Nothing arrived from Stripe: the silence is noticed, and each session looked up.
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> greenMail.getReceivedMessages().length == SESSIONS);
                List<OnrampSessionEvent> events = read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class);
                assertThat(events.stream().filter(e -> e.getSource() == EventSource.RECONCILIATION)).hasSizeGreaterThanOrEqualTo(SESSIONS);
                assertThat(events.stream().filter(e -> e.getSource() == EventSource.WEBHOOK)).isEmpty();

                stripe.redeliverDropped();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stripe.webhooksSent() == 3L * SESSIONS);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                        read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class).stream().filter(e -> e.getSource() == EventSource.WEBHOOK)
                                .count() == 3L * SESSIONS);
                // The processor has taken every late webhook (each in some session's history) before outcomes are counted.
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        read(Topics.SESSION_STATE.name(), SessionState.class).stream()
                                .collect(Collectors.toMap(SessionState::getSessionId, st -> st, (a, b) -> b)).values().stream()
                                .mapToLong(st -> st.getHistory().stream().filter(h -> h.getEventId().startsWith("evt_")).count())
                                .sum() == 3L * SESSIONS);
            }
            List<SessionOutcome> outcomes = read(Topics.SESSION_OUTCOMES.name(), SessionOutcome.class);
            assertThat(outcomes).hasSize(SESSIONS);
            assertThat(outcomes.stream().map(SessionOutcome::getSessionId).distinct()).hasSize(SESSIONS);
            assertThat(greenMail.getReceivedMessages()).as("one email per session, the late webhooks changed nothing").hasSize(SESSIONS);
        } finally {
            greenMail.stop();
        }
    }

    @Test
    void paidSessionsWhoseLastWebhooksWereLostInRequiresPaymentEndOnceWithTheTimeStripeToldIt() throws Exception {
        GreenMail greenMail = startedMailServer();
        int ingestPort = FreePorts.pick();
        FakeStripe.Lifecycle lifecycle = lifecycle(ingestPort, Duration.ofMillis(300), 0);
        Map<String, String> extra = servicesApart("quiet-payment", "MINT_SILENCE_THRESHOLD", "1h", "QUIET_THRESHOLD", "3s");
        int sessions = 3;
        List<String> ids = new ArrayList<>();
        try (FakeStripe stripe = new FakeStripe(0, STRIPE_KEY, lifecycle, 5)) {
            stripe.dropWebhooksOf(Set.of("fulfillment_processing", "fulfillment_complete"));
            Env config = env(ingestPort, greenMail.getSmtp().getPort(), stripe.apiBase(), extra);
            try (IngestService ingest = IngestService.start(IngestConfig.fromEnv(config));
                 ProcessorService processor = ProcessorService.start(ProcessorConfig.fromEnv(config));
                 NotifierService notifier = NotifierService.start(NotifierConfig.fromEnv(config))) {
                processor.awaitRunning(Duration.ofSeconds(60));
                ids.clear();
                for (int i = 0; i < sessions; i++) {
                    ids.add(JSON.readTree(mint("quiet-payment-" + i, "paid" + i + "@example.com", ingestPort).body()).path("id").asText());
                }
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                        stripe.webhooksSent() == sessions && stripe.webhooksDropped() == 2L * sessions);
                Instant endedAtStripe = Instant.now();

                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> greenMail.getReceivedMessages().length == sessions);
                List<SessionOutcome> outcomes = read(Topics.SESSION_OUTCOMES.name(), SessionOutcome.class).stream()
                        .filter(o -> ids.contains(o.getSessionId())).toList();
                assertThat(outcomes).extracting(SessionOutcome::getSessionId).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(outcomes).allSatisfy(outcome -> {
                    assertThat(outcome.getOutcome()).isEqualTo(OutcomeKind.FULFILLED);
                    assertThat(outcome.getOccurredAtSource()).isEqualTo(OccurredAtSource.STRIPE_LOOKUP);
                    assertThat(outcome.getOccurredAt()).as("when Stripe told it, not the session's creation")
                            .isAfterOrEqualTo(endedAtStripe.truncatedTo(ChronoUnit.MILLIS)).isBeforeOrEqualTo(Instant.now());
                });
                assertThat(read(Topics.SESSION_ALERTS.name(), SessionAlert.class)).filteredOn(a -> ids.contains(a.getSessionId()))
                        .extracting(SessionAlert::getKind, SessionAlert::getStatus).contains(tuple(AlertKind.QUIET, SessionStatus.REQUIRES_PAYMENT));
                assertThat(read(Topics.STRIPE_LOOKUPS.name(), StripeLookup.class)).filteredOn(l -> ids.contains(l.getSessionId()))
                        .extracting(StripeLookup::getStatusRaw).contains("fulfillment_complete");

                stripe.dropWebhooksOf(Set.of());
                stripe.redeliverDropped();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stripe.webhooksSent() == 3L * sessions);
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        read(Topics.SESSION_STATE.name(), SessionState.class).stream().filter(st -> ids.contains(st.getSessionId()))
                                .collect(Collectors.toMap(SessionState::getSessionId, st -> st, (a, b) -> b)).values().stream()
                                .mapToLong(st -> st.getHistory().stream().filter(h -> h.getEventId().startsWith("evt_")).count())
                                .sum() == 3L * sessions);
            }
            assertThat(read(Topics.SESSION_OUTCOMES.name(), SessionOutcome.class).stream().map(SessionOutcome::getSessionId)
                    .filter(ids::contains).toList()).hasSize(sessions).doesNotHaveDuplicates();
            assertThat(greenMail.getReceivedMessages()).as("one email per session, the late webhooks changed nothing").hasSize(sessions);
        } finally {
            greenMail.stop();
        }
    }

    private static HttpResponse<String> mint(String idempotencyKey, String email, int ingestPort) throws Exception {
        URI mint = URI.create("http://127.0.0.1:" + ingestPort + "/v1/onramp-sessions");
        HttpResponse<String> minted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(mint)
                .header("Authorization", "Bearer " + API_KEY).header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"destination_network\":\"ethereum\",\"destination_currency\":\"eth\","
                        + "\"source_amount\":\"100.00\",\"recipient\":{\"email\":\"" + email + "\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
        return minted;
    }

    @Test
    void simulateMintDrivesSessionsFromMintingToTheirEndThroughTheLocalStripe() throws Exception {
        GreenMail greenMail = startedMailServer();
        int ingestPort = FreePorts.pick();
        FakeStripe.Lifecycle lifecycle = lifecycle(ingestPort, Duration.ofMillis(200), 0.2);
        Map<String, String> extra = servicesApart("simulate-mint");
        try (FakeStripe stripe = new FakeStripe(0, STRIPE_KEY, lifecycle, 11)) {
            Env config = env(ingestPort, greenMail.getSmtp().getPort(), stripe.apiBase(), extra);
            try (IngestService ingest = IngestService.start(IngestConfig.fromEnv(config));
                 ProcessorService processor = ProcessorService.start(ProcessorConfig.fromEnv(config));
                 NotifierService notifier = NotifierService.start(NotifierConfig.fromEnv(config))) {
                processor.awaitRunning(Duration.ofSeconds(60));
                MintSimulation.Report report = new MintSimulation("http://127.0.0.1:" + ingestPort, API_KEY, null).run(30, 5, 4);
                assertThat(report.sessionIds()).hasSize(30);
                assertThat(report.refused() + report.failed()).isZero();
                List<String> ended = report.sessionIds().stream().filter(id -> {
                    String status = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stripe.session(id).path("status").asText(),
                            st -> !st.equals("initialized") && !st.equals("fulfillment_processing"));
                    return !status.equals("requires_payment");
                }).toList();
                assertThat(ended).isNotEmpty().hasSizeLessThan(30);
                // A session seen at requires_payment may still be on its way: those that had ended are a lower bound.
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                        read(Topics.SESSION_OUTCOMES.name(), SessionOutcome.class).stream().map(SessionOutcome::getSessionId)
                                .filter(report.sessionIds()::contains).count() >= ended.size());
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> greenMail.getReceivedMessages().length >= ended.size());
                List<String> outcomes = read(Topics.SESSION_OUTCOMES.name(), SessionOutcome.class).stream().map(SessionOutcome::getSessionId)
                        .filter(report.sessionIds()::contains).toList();
                assertThat(outcomes).doesNotHaveDuplicates().containsAll(ended);
            }
        } finally {
            greenMail.stop();
        }
    }

    private static GreenMail startedMailServer() {
        GreenMail greenMail = new GreenMail(new ServerSetup(FreePorts.pick(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return greenMail;
    }

    /** The local Stripe's sessions, a step apart, with a share of them rejected and as many abandoned. */
    private static FakeStripe.Lifecycle lifecycle(int ingestPort, Duration step, double rejectedAndAbandoned) {
        return new FakeStripe.Lifecycle("http://127.0.0.1:" + ingestPort + "/webhooks/stripe", WEBHOOK_SECRET, step,
                rejectedAndAbandoned, rejectedAndAbandoned);
    }

    /** A test's services under application ids of their own (none resumes another's state), with its settings. */
    private static Map<String, String> servicesApart(String name, String... settings) {
        Map<String, String> env = new HashMap<>(Map.of("PROCESSOR_APPLICATION_ID", name + "-processor",
                "NOTIFIER_APPLICATION_ID", name + "-notifier", "INGEST_TRANSACTIONAL_ID", name + "-ingest"));
        for (int i = 0; i + 1 < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        return env;
    }

    private static Env env(int ingestPort, int smtpPort, String stripeBase, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(env(ingestPort, smtpPort, stripeBase).values());
        env.putAll(extra);
        return new Env(env);
    }

    private static Env env(int ingestPort, int smtpPort, String stripeBase) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", STACK.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", STACK.registryUrl());
        env.put("STRIPE_WEBHOOK_SECRETS", WEBHOOK_SECRET);
        env.put("PLATFORM_API_KEY", API_KEY);
        env.put("STRIPE_API_KEY", STRIPE_KEY);
        env.put("STRIPE_API_BASE", stripeBase);
        env.put("STRIPE_LOOKUPS_PER_SECOND", "20");
        env.put("INGEST_HOST", "127.0.0.1");
        env.put("INGEST_PORT", String.valueOf(ingestPort));
        env.put("INGEST_ADMIN_PORT", "0");
        env.put("INGEST_TRANSACTIONAL_ID", "reconcile-ingest");
        env.put("PROCESSOR_HOST", "127.0.0.1");
        env.put("PROCESSOR_PORT", "0");
        env.put("PROCESSOR_STATE_DIR", Files.createTempDirectory("reconcile-processor").toString());
        env.put("MINT_SILENCE_THRESHOLD", "3s");
        env.put("STALL_CHECK_INTERVAL", "1s");
        env.put("NOTIFIER_HOST", "127.0.0.1");
        env.put("NOTIFIER_PORT", "0");
        env.put("NOTIFIER_STATE_DIR", Files.createTempDirectory("reconcile-notifier").toString());
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_STARTTLS", "false");
        return new Env(env);
    }

    private static <V extends SpecificRecord> List<V> read(String topic, Class<V> type) {
        return TopicReader.readAll(STACK.bootstrapServers(), topic, new StringDeserializer(),
                new RegistryAvroDeserializer<>(type, new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5))))
                .stream().map(r -> r.value()).toList();
    }
}
