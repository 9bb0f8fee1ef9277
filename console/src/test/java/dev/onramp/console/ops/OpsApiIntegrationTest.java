package dev.onramp.console.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.console.ConsoleFixture;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.ErasureRequest;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.Redrive;
import dev.onramp.schemas.StripeAnswer;
import dev.onramp.schemas.StripeLookup;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.http.ForwardingProxy;
import dev.onramp.testkit.http.LoopbackClient;
import dev.onramp.testkit.push.LocalPushService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every route of the ops API against the real pipeline (broker, registry, ingest, processor, notifier, GreenMail and
 * a local push service): auth, timelines, paging, redrive and its refusals, idempotence, and the audit trail.
 */
class OpsApiIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENDED = "cos_ConsoleApiEnded0001";
    private static final String WAITING = "cos_ConsoleApiWaiting01";
    private static final String PUSHED = "cos_ConsoleApiPushed001";

    private static GreenMail mail;
    private static LocalPushService push;
    private static ConsoleFixture pipeline;
    private static SchemaRegistryClient registry;

    @BeforeAll
    static void start() throws Exception {
        int smtpPort = FreePorts.pick();
        mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        push = new LocalPushService(ConsoleFixture.VAPID.publicKey());
        pipeline = new ConsoleFixture(STACK, smtpPort, Map.of("STALL_THRESHOLD", "2s", "STALL_CHECK_INTERVAL", "1s",
                "TRUSTED_PROXIES", "127.0.0.1/32"));
        registry = new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() throws Exception {
        pipeline.close();
        push.close();
        mail.stop();
    }

    @Test
    void onlyAnAdminKeyOpensTheApi() throws Exception {
        assertThat(get("/v1/pipeline", null).statusCode()).isEqualTo(401);
        assertThat(get("/v1/pipeline", ConsoleFixture.PLATFORM_KEY).statusCode()).as("a platform must not redrive").isEqualTo(401);
        assertThat(post("/v1/dead-letters/webhooks/0/0/redrive", "", ConsoleFixture.PLATFORM_KEY).statusCode()).isEqualTo(401);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode pipelineState = json(get("/v1/pipeline", ConsoleFixture.ADMIN_KEY));
            assertThat(pipelineState.path("services").findValuesAsText("status")).containsExactly("UP", "UP", "UP");
            assertThat(pipelineState.path("lag").findValuesAsText("group")).contains("onramp-processor", "onramp-notifier");
        });
    }

    @Test
    void aKeyGuesserBehindTheProxyLocksOutNobodyButItself() {
        try (ForwardingProxy proxy = new ForwardingProxy(URI.create(pipeline.consoleUrl()))) {
            URI signIn = proxy.uri().resolve("/console/sign-in");
            Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
            LoopbackClient guesser = new LoopbackClient("127.0.0.66");
            List<Integer> guesses = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                guesses.add(guesser.send("POST", signIn, form, "key=guess-" + i + "-abcdefghijklmnop"));
            }
            assertThat(guesses.subList(0, 10)).as("the sign-in page again, with the reason").containsOnly(200);
            assertThat(guesses.subList(10, guesses.size())).as("then the guesser is told to wait").containsOnly(429);

            assertThat(guesser.send("POST", signIn, form, "key=" + ConsoleFixture.ADMIN_KEY))
                    .as("an admin key from the guesser's own address, through the same proxy, signs in").isEqualTo(303);
            URI api = proxy.uri().resolve("/v1/pipeline");
            assertThat(guesser.send("GET", api, Map.of("Authorization", "Bearer " + ConsoleFixture.ADMIN_KEY), null)).isEqualTo(200);
            assertThat(guesser.send("GET", api, Map.of("Authorization", "Bearer wrong-key-0123456789"), null)).isEqualTo(429);
            assertThat(new LoopbackClient("127.0.0.77").send("POST", signIn, form, "key=mistyped-key-0123456789"))
                    .as("another operator's failures are their own").isEqualTo(200);
        }
    }

    @Test
    void aSessionsTimelineAndNotificationsAnswerTheSupportTicket() throws Exception {
        pipeline.recipient(ENDED, "{\"email\":\"ended@example.com\"}");
        for (String status : List.of("initialized", "requires_payment", "fulfillment_processing", "fulfillment_complete")) {
            assertThat(pipeline.webhook("evt_ended_" + status, ENDED, status)).isEqualTo(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(json(get("/v1/sessions/" + ENDED + "/notifications", ConsoleFixture.ADMIN_KEY))
                        .path("channels").path("email").findValuesAsText("status")).contains("SENT"));
        JsonNode timeline = json(get("/v1/sessions/" + ENDED + "/timeline", ConsoleFixture.ADMIN_KEY)).path("timeline");
        assertThat(timeline.findValuesAsText("kind")).contains("webhook", "state", "outcome", "recipient", "notification");
        assertThat(timeline.toString()).doesNotContain("ended@example.com").doesNotContain("_secret_");
        assertThat(get("/v1/sessions/cos_NeverSeenAtAll01/timeline", ConsoleFixture.ADMIN_KEY).statusCode()).isEqualTo(404);
        assertThat(get("/v1/sessions/not-a-session/timeline", ConsoleFixture.ADMIN_KEY).statusCode()).isEqualTo(400);
    }

    @Test
    void aWebhookDeadLetterIsRedrivenOnceWithTodaysMappingAndRefusedWhenItCannotHelp() throws Exception {
        String ended = "cos_ConsoleApiEnded0002";
        pipeline.webhook("evt_ended2_initialized", ended, "initialized");
        pipeline.webhook("evt_ended2_rejected", ended, "rejected");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(pipeline.session(ended).body()).contains("\"status\":\"rejected\""));
        for (String status : List.of("initialized", "requires_payment", "fulfillment_processing")) {
            pipeline.webhook("evt_waiting_" + status, WAITING, status);
        }
        // As an older ingest dead-lettered them: bodies today's mapping reads.
        pipeline.deadLetterWebhook(OnrampEvents.sessionUpdated("evt_waiting_done", WAITING, "fulfillment_complete", Instant.now().getEpochSecond()),
                "older mapping: unknown transaction_details field");
        pipeline.deadLetterWebhook(OnrampEvents.sessionUpdated("evt_ended_late", ended, "fulfillment_processing", Instant.now().getEpochSecond()),
                "older mapping: unknown transaction_details field");
        // And one today's mapping cannot read either: a session event without a status.
        assertThat(pipeline.deliver("{\"id\":\"evt_no_status\",\"type\":\"crypto.onramp_session_updated\",\"created\":1,"
                + "\"data\":{\"object\":{\"id\":\"cos_ConsoleApiNoStatus1\"}}}")).isEqualTo(400);

        List<JsonNode> entries = allPages("/v1/dead-letters/webhooks?limit=1");
        assertThat(entries).hasSize(3);
        JsonNode fixable = entryFor(entries, WAITING);
        HttpResponse<String> redriven = post(redrivePath(fixable), "", ConsoleFixture.ADMIN_KEY);
        assertThat(redriven.statusCode()).as(redriven.body()).isEqualTo(200);
        assertThat(json(redriven).path("result").asText()).isEqualTo("redriven");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(pipeline.session(WAITING).body()).contains("\"status\":\"fulfillment_complete\""));

        HttpResponse<String> again = post(redrivePath(fixable), "", ConsoleFixture.ADMIN_KEY);
        assertThat(json(again).path("result").asText()).isEqualTo("already_redriven");
        assertThat(events("evt_waiting_done")).as("redriving twice writes once").isEqualTo(1);

        HttpResponse<String> late = post(redrivePath(entryFor(entries, ended)), "", ConsoleFixture.ADMIN_KEY);
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(json(late).path("detail").asText()).contains("already ended");
        HttpResponse<String> unmappable = post(redrivePath(entryFor(entries, "cos_ConsoleApiNoStatus1")), "", ConsoleFixture.ADMIN_KEY);
        assertThat(unmappable.statusCode()).isEqualTo(409);
        assertThat(json(unmappable).path("detail").asText()).contains("still cannot be mapped");

        List<Redrive> trail = redrives(WAITING);
        assertThat(trail).hasSize(1);
        assertThat(trail.get(0).getRequestedBy()).matches("adm_[0-9a-f]{8}").doesNotContain(ConsoleFixture.ADMIN_KEY);
        JsonNode timeline = json(get("/v1/sessions/" + WAITING + "/timeline", ConsoleFixture.ADMIN_KEY)).path("timeline");
        assertThat(timeline.toString()).contains("evt_waiting_done");
        assertThat(timeline.findValuesAsText("by")).as("the redrive is on the session's audit trail").containsExactly(
                trail.get(0).getRequestedBy());
        JsonNode one = json(get("/v1/dead-letters/webhooks/" + fixable.path("partition").asInt() + "/" + fixable.path("offset").asLong(),
                ConsoleFixture.ADMIN_KEY));
        assertThat(one.path("reason").asText()).isEqualTo(fixable.path("reason").asText());

        assertThat(post("/v1/dead-letters/webhooks/redrive", "{}", ConsoleFixture.ADMIN_KEY).statusCode()).isEqualTo(400);
        JsonNode batch = json(post("/v1/dead-letters/webhooks/redrive", "{\"reason_contains\":\"OLDER MAPPING\"}", ConsoleFixture.ADMIN_KEY));
        assertThat(batch.path("results").findValuesAsText("result")).containsExactlyInAnyOrder("already_redriven", "refused");
        assertThat(post("/v1/dead-letters/poison-records/0/0/redrive", "", ConsoleFixture.ADMIN_KEY).statusCode()).isEqualTo(409);
        assertThat(post("/v1/dead-letters/webhooks/0/999999/redrive", "", ConsoleFixture.ADMIN_KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void aNotificationDeadLetterIsSentOnceToTheFixedRecipient() throws Exception {
        LocalPushService.Subscriber broken = push.subscribe();
        push.answerNext(broken, 413, null);
        pipeline.recipient(PUSHED, "{\"push_subscription\":" + broken.json() + "}");
        for (String status : List.of("initialized", "rejected")) {
            pipeline.webhook("evt_pushed_" + status, PUSHED, status);
        }
        JsonNode entry = Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                        allPages("/v1/dead-letters/notifications?session_id=" + PUSHED).stream().findFirst().orElse(null),
                e -> e != null);
        assertThat(entry.path("details").path("channel").asText()).isEqualTo("PUSH");

        LocalPushService.Subscriber fixed = push.subscribe();
        assertThat(pipeline.recipient(PUSHED, "{\"push_subscription\":" + fixed.json() + "}")).isEqualTo(204);
        HttpResponse<String> redriven = post(redrivePath(entry), "", ConsoleFixture.ADMIN_KEY);
        assertThat(redriven.statusCode()).as(redriven.body()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> push.received(fixed).size() == 1);
        assertThat(json(post(redrivePath(entry), "", ConsoleFixture.ADMIN_KEY)).path("result").asText()).isEqualTo("already_redriven");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                json(get("/v1/sessions/" + PUSHED + "/notifications", ConsoleFixture.ADMIN_KEY)).path("channels").path("push")
                        .findValuesAsText("status")).containsSequence("FAILED", "SENT"));
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(push.received(fixed)).as("redriving twice sends once").hasSize(1));
        assertThat(push.requests(broken)).isEqualTo(1);
    }

    @Test
    void aSessionStuckInFulfillmentIsListedAsStalledUntilItEnds() throws Exception {
        String stuck = "cos_ConsoleApiStalled01";
        pipeline.webhook("evt_stuck_processing", stuck, "fulfillment_processing");
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(json(get("/v1/stalled-sessions", ConsoleFixture.ADMIN_KEY)).path("sessions").findValuesAsText("session_id"))
                        .contains(stuck));
        pipeline.webhook("evt_stuck_done", stuck, "fulfillment_complete");
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(json(get("/v1/stalled-sessions", ConsoleFixture.ADMIN_KEY)).path("sessions").findValuesAsText("session_id"))
                        .doesNotContain(stuck));
    }

    @Test
    void aSessionStripeDoesNotKnowIsListedForAnOperator() throws Exception {
        String unknown = "cos_ConsoleApiUnknown01";
        pipeline.write(Topics.STRIPE_LOOKUPS.name(), unknown, StripeLookup.newBuilder().setSessionId(unknown)
                .setLookedUpAt(Instant.now()).setAnswer(StripeAnswer.UNKNOWN_AT_STRIPE).setAlertKind("QUIET").setAlertSequence(1).build());
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(json(get("/v1/stalled-sessions", ConsoleFixture.ADMIN_KEY)).path("sessions"))
                        .anySatisfy(session -> {
                            assertThat(session.path("session_id").asText()).isEqualTo(unknown);
                            assertThat(session.path("kind").asText()).isEqualTo("UNKNOWN_AT_STRIPE");
                        }));
    }

    @Test
    void everyMetricTheAlertRulesAndTheDashboardUseIsOneTheServicesExpose() throws Exception {
        String forged = "{\"id\":\"evt_unsigned\",\"type\":\"crypto.onramp_session_updated\"}";
        HttpResponse<String> refused = pipeline.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.ingest.port()
                + "/webhooks/stripe")).header("Stripe-Signature", "t=1,v1=00").POST(HttpRequest.BodyPublishers.ofString(forged)).build());
        assertThat(refused.statusCode()).isEqualTo(400);
        String mailed = "cos_ConsoleApiMetrics01";
        pipeline.recipient(mailed, "{\"email\":\"metrics@example.com\"}");
        pipeline.webhook("evt_metrics_initialized", mailed, "initialized");
        pipeline.webhook("evt_metrics_rejected", mailed, "rejected");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> scrapes().contains("onramp_notifier_sends_total{"));

        String exposed = scrapes();
        Set<String> used = new TreeSet<>();
        for (Path file : List.of(Path.of("..", "deploy", "prometheus", "alerts.yml"), Path.of("..", "deploy", "grafana", "onramp-pipeline.json"))) {
            Matcher names = Pattern.compile("\\b(onramp_[a-z_]+|kafka_stream_[a-z_]+)\\b").matcher(Files.readString(file));
            while (names.find()) {
                used.add(names.group(1));
            }
        }
        assertThat(used).hasSizeGreaterThan(10);
        for (String name : used) {
            assertThat(exposed).as(name + " is used by an alert or a panel").containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    @Test
    void anOperatorErasesAPersonAndTheRequestIsTheAuditRecord() throws Exception {
        String erased = "cos_ConsoleApiErased001";
        pipeline.recipient(erased, "{\"email\":\"forget.me@example.com\"}");
        for (String status : List.of("initialized", "requires_payment", "fulfillment_processing")) {
            assertThat(pipeline.webhook("evt_erased_" + status, erased, status)).isEqualTo(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(pipeline.session(erased).body()).contains("\"status\":\"fulfillment_processing\""));
        String wallet = JSON.readTree(pipeline.session(erased).body()).path("transaction_details").path("wallet_address").asText();
        assertThat(wallet).isNotBlank().doesNotContain("erased").doesNotStartWith("sealed:");

        assertThat(post("/v1/sessions/" + erased + "/erasure-requests", "", ConsoleFixture.PLATFORM_KEY).statusCode())
                .as("a platform key does not open the console's API").isEqualTo(401);
        assertThat(post("/v1/sessions/not-a-session/erasure-requests", "", ConsoleFixture.ADMIN_KEY).statusCode()).isEqualTo(400);
        HttpResponse<String> answer = post("/v1/sessions/" + erased + "/erasure-requests", "", ConsoleFixture.ADMIN_KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode receipt = json(answer);
        assertThat(receipt.path("status").asText()).isEqualTo("erased");
        assertThat(receipt.path("data_keys").asInt()).isEqualTo(1);
        assertThat(receipt.path("request_id").asText()).matches("era_[0-9a-f]{24}");

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(JSON.readTree(pipeline.session(erased).body())
                .path("transaction_details").path("wallet_address").asText()).isEqualTo("[erased]"));
        List<ConsumerRecord<String, ErasureRequest>> requests = TopicReader.of(STACK.bootstrapServers()).readKey(
                Topics.ERASURE_REQUESTS.name(), new RegistryAvroDeserializer<>(ErasureRequest.class, registry), erased, null);
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.value().getRequestId()).isEqualTo(receipt.path("request_id").asText());
            assertThat(r.value().getRequestedBy()).matches("adm_[0-9a-f]{8}");
            assertThat(r.value().toString()).as("no personal data in the audit record")
                    .doesNotContain(wallet).doesNotContain("forget.me").doesNotContain(ConsoleFixture.ADMIN_KEY);
        });
        JsonNode timeline = json(get("/v1/sessions/" + erased + "/timeline", ConsoleFixture.ADMIN_KEY)).path("timeline");
        assertThat(timeline.findValuesAsText("kind")).contains("webhook", "state", "erasure_requested");
        assertThat(timeline.toString()).doesNotContain(wallet).contains("[erased]");

        JsonNode second = json(post("/v1/sessions/" + erased + "/erasure-requests", "", ConsoleFixture.ADMIN_KEY));
        assertThat(second.path("data_keys").asInt()).as("nothing left to erase").isZero();
    }

    /** What Prometheus would scrape from each service and the console. */
    private static String scrapes() {
        StringBuilder all = new StringBuilder();
        for (String url : List.of("http://127.0.0.1:" + pipeline.ingest.adminPort(), "http://127.0.0.1:" + pipeline.processor.port(),
                "http://127.0.0.1:" + pipeline.notifier.port(), pipeline.consoleUrl())) {
            all.append(pipeline.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build()).body()).append('\n');
        }
        return all.toString();
    }

    private static long events(String eventId) {
        return TopicReader.readAll(STACK.bootstrapServers(), Topics.SESSION_EVENTS.name(),
                        new StringDeserializer(),
                        new RegistryAvroDeserializer<>(OnrampSessionEvent.class, registry)).stream()
                .filter(r -> r.value().getEventId().equals(eventId)).count();
    }

    private static List<Redrive> redrives(String sessionId) {
        return TopicReader.of(STACK.bootstrapServers()).readKey(Topics.REDRIVES.name(),
                new RegistryAvroDeserializer<>(Redrive.class, registry), sessionId, null).stream().map(r -> r.value()).toList();
    }

    /** Every entry, following next_cursor page by page. */
    private static List<JsonNode> allPages(String first) throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        String path = first;
        for (int pages = 0; path != null && pages < 20; pages++) {
            JsonNode page = json(get(path, ConsoleFixture.ADMIN_KEY));
            page.path("entries").forEach(entries::add);
            String next = page.path("next_cursor").asText(null);
            path = next == null ? null : first + (first.contains("?") ? "&" : "?") + "cursor=" + next;
        }
        return entries;
    }

    private static JsonNode entryFor(List<JsonNode> entries, String sessionId) {
        return entries.stream().filter(e -> sessionId.equals(e.path("session_id").asText())).findFirst().orElseThrow();
    }

    private static String redrivePath(JsonNode entry) {
        return "/v1/dead-letters/" + entry.path("kind").asText() + "/" + entry.path("partition").asInt() + "/"
                + entry.path("offset").asLong() + "/redrive";
    }

    private static HttpResponse<String> get(String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(pipeline.consoleUrl() + path)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return pipeline.send(request.build());
    }

    private static HttpResponse<String> post(String path, String body, String key) {
        return pipeline.send(HttpRequest.newBuilder(URI.create(pipeline.consoleUrl() + path))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
