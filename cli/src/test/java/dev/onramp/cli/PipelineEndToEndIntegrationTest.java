package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.audit.AuditAccess;
import dev.onramp.audit.SentNotifications;
import dev.onramp.audit.replay.ReplayDifference;
import dev.onramp.audit.replay.SessionReplay;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.simulate.ChannelStandIns;
import dev.onramp.devstack.simulate.OnrampSimulator;
import dev.onramp.devstack.simulate.SessionScript;
import dev.onramp.devstack.simulate.SimulationPlan;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.session.state.SessionStateMachine;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.runtime.privacy.SealedValue;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topic;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.StoredBatches;
import jakarta.mail.internet.MimeMessage;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The mission, end to end: broker, registry, ingest, processor and notifier in-process, GreenMail as the mail
 * server, 200 simulated sessions with every Stripe delivery quirk, plus forged and stale deliveries.
 */
class PipelineEndToEndIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final String SECRET = "whsec_end_to_end_secret_0123456789";
    private static final String API_KEY = "end-to-end-platform-key-0123456789";
    private static final String PLATFORM_WEBHOOK_SECRET = "whsec_ZW5kLXRvLWVuZC1wbGF0Zm9ybS1zZWNyZXQ=";
    private static final VapidKeys.Generated VAPID = VapidKeys.generate();

    @Test
    void simulatedSessionsEndAsTheirContractsSay() throws Exception {
        Instant testStart = Instant.now().minusSeconds(1);
        ListAppender<ILoggingEvent> logs = captureLogs();
        int smtpPort = FreePorts.pick();
        GreenMail greenMail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        Env config = servicesEnv(smtpPort);

        SessionScript erased;
        SimulationPlan plan = SimulationPlan.generate(200, new SimulationPlan.Mix(0.6, 0.2, 0.8), SimulationPlan.Quirks.all(), 42);
        OnrampSimulator.Report report;
        try (ChannelStandIns standIns = new ChannelStandIns(PLATFORM_WEBHOOK_SECRET);
             IngestService ingest = IngestService.start(IngestConfig.fromEnv(config));
             ProcessorService processor = ProcessorService.start(ProcessorConfig.fromEnv(config));
             NotifierService notifier = NotifierService.start(NotifierConfig.fromEnv(config))) {
            processor.awaitRunning(Duration.ofSeconds(60));
            report = new OnrampSimulator(new OnrampSimulator.Target("http://127.0.0.1:" + ingest.port(), SECRET, API_KEY),
                    new OnrampSimulator.Options(8, 0, 10, null, Duration.ofSeconds(30))).withChannels(standIns).run(plan);
            assertThat(report.failed()).isZero();
            assertThat(report.forgedRefused()).isEqualTo(20);
            assertThat(report.refused()).as("only the forged and stale deliveries are refused").isEqualTo(20);
            assertThat(report.deciding()).as("each terminal session's deciding webhook, due and then answered")
                    .hasSize((int) plan.sessions().stream().filter(SessionScript::terminal).count())
                    .allSatisfy((session, deciding) -> assertThat(deciding.answered()).isAfterOrEqualTo(deciding.due()));

            // The query API answers the furthest status for every session.
            HttpClient http = HttpClient.newHttpClient();
            for (SessionScript session : plan.sessions()) {
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + processor.port() + "/v1/sessions/" + session.sessionId()))
                            .header("Authorization", "Bearer " + API_KEY).build(), HttpResponse.BodyHandlers.ofString());
                    return response.statusCode() == 200 && response.body().contains("\"status\":\"" + session.finalStatus() + "\"");
                });
            }
            long toNotify = plan.sessions().stream().filter(s -> s.terminal() && s.recipientEmail() != null).count();
            Map<String, Instant> notified = SentNotifications.await(KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl()),
                    plan.sessionIds(), plan.toNotify(), Duration.ofSeconds(90));
            assertThat(notified).hasSize((int) toNotify);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> greenMail.getReceivedMessages().length >= toNotify);
            onePushAndOneWebhookPerOutcomeThatAskedForThem(plan, standIns);
            erased = ErasedPerson.erase(plan, ingest.port(), processor.port(), API_KEY, greenMail.getReceivedMessages());
        }

        MimeMessage[] received = greenMail.getReceivedMessages();
        exactlyOneEmailPerOutcomeWithARecipient(plan, received);

        SchemaRegistryClient registry = new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5));
        everyTopicHoldsWhatItsContractSays(plan, report, registry, erased.sessionId());

        noSecretAndNoForgeryAnywhere(received, logs);
        everyBatchTheServicesWroteIsCompressed();
        greenMail.stop();

        auditAnswersWhatHappened(plan, report, testStart, registry);
        ErasedPerson.isForgotten(STACK, plan, erased, registry);
        replayFindsExactlyTheSessionsARuleChangeAffects(plan);
    }

    /** The three services' settings, as an operator would set them, with every channel configured. */
    private static Env servicesEnv(int smtpPort) throws IOException {
        Map<String, String> env = ServicesEnv.of(STACK, "e2e", SECRET, API_KEY, smtpPort);
        env.put("VAPID_PUBLIC_KEY", VAPID.publicKey());
        env.put("VAPID_PRIVATE_KEY", VAPID.privateKey());
        env.put("PLATFORM_WEBHOOK_SECRETS", PLATFORM_WEBHOOK_SECRET);
        return new Env(env);
    }

    /** The recipients that also named a push subscription or a webhook URL got exactly one of each. */
    private static void onePushAndOneWebhookPerOutcomeThatAskedForThem(SimulationPlan plan, ChannelStandIns standIns) {
        long pushes = plan.sessions().stream().filter(s -> s.terminal() && s.recipientEmail() != null)
                .filter(s -> OnrampSimulator.registersPush(s.sessionId())).count();
        long webhooks = plan.sessions().stream().filter(s -> s.terminal() && s.recipientEmail() != null)
                .filter(s -> OnrampSimulator.registersWebhook(s.sessionId())).count();
        assertThat(pushes).isPositive();
        assertThat(webhooks).isPositive();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> standIns.pushes() >= pushes && standIns.webhooksVerified() >= webhooks);
        Map<Channel, Long> sent = SentNotifications.countByChannel(KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl()),
                plan.sessionIds());
        assertThat(sent).containsEntry(Channel.PUSH, pushes).containsEntry(Channel.WEBHOOK, webhooks);
        assertThat(standIns.pushRequests()).isEqualTo(pushes);
        assertThat(standIns.webhookRequests()).as("every webhook verified on its first delivery").isEqualTo(webhooks);
    }

    /** Exactly one email per terminal session with a recipient, with the right outcome; none for the rest. */
    private static void exactlyOneEmailPerOutcomeWithARecipient(SimulationPlan plan, MimeMessage[] received) throws Exception {
        assertThat(received).hasSize((int) plan.sessions().stream().filter(s -> s.terminal() && s.recipientEmail() != null).count());
        Map<String, List<MimeMessage>> byRecipient = Arrays.stream(received).collect(Collectors.groupingBy(m -> {
            try {
                return m.getAllRecipients()[0].toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        for (SessionScript session : plan.sessions()) {
            List<MimeMessage> mine = session.recipientEmail() == null ? List.of() : byRecipient.getOrDefault(session.recipientEmail(), List.of());
            if (session.terminal() && session.recipientEmail() != null) {
                assertThat(mine).as(session.sessionId()).hasSize(1);
                String subject = mine.get(0).getSubject();
                assertThat(subject).as(session.sessionId()).matches(session.ending() == SessionScript.Ending.FULFILLED
                        ? "Your crypto purchase is complete|Tu compra de criptomonedas se ha completado"
                        : "Your crypto purchase could not be completed|No se pudo completar tu compra de criptomonedas");
            } else {
                assertThat(mine).as(session.sessionId()).isEmpty();
            }
        }
    }

    /** Every topic holds what its contract says, decoded through the registry. */
    private static void everyTopicHoldsWhatItsContractSays(SimulationPlan plan, OnrampSimulator.Report report,
                                                           SchemaRegistryClient registry, String erasedSession) {
        Map<String, List<SessionOutcome>> outcomes = read(Topics.SESSION_OUTCOMES, registry).stream()
                .map(ConsumerRecord::value).collect(Collectors.groupingBy(SessionOutcome::getSessionId));
        Map<String, SessionState> states = new HashMap<>();
        read(Topics.SESSION_STATE, registry).forEach(r -> states.put(r.key(), r.value()));
        for (SessionScript session : plan.sessions()) {
            assertThat(states.get(session.sessionId()).getStatusRaw()).isEqualTo(session.finalStatus());
            List<SessionOutcome> mine = outcomes.getOrDefault(session.sessionId(), List.of());
            if (session.terminal()) {
                assertThat(mine).as(session.sessionId()).hasSize(1);
                OutcomeKind expected = session.ending() == SessionScript.Ending.FULFILLED ? OutcomeKind.FULFILLED : OutcomeKind.REJECTED;
                assertThat(mine.get(0).getOutcome()).isEqualTo(expected);
            } else {
                assertThat(mine).as(session.sessionId()).isEmpty();
            }
        }
        long accepted = report.accepted();
        assertThat(read(Topics.WEBHOOKS_RAW, registry)).hasSize((int) accepted);
        List<ConsumerRecord<String, OnrampSessionEvent>> events = read(Topics.SESSION_EVENTS, registry);
        assertThat(events).hasSize((int) accepted);
        assertThat(events).allMatch(r -> r.key().equals(r.value().getSessionId()));
        List<ConsumerRecord<String, RawWebhook>> raw = read(Topics.WEBHOOKS_RAW, registry);
        // Sealed with the session's data key; opened, the client secret is redacted (the erased session's: unreadable).
        try (KafkaKeyStore keys = new KafkaKeyStore(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers()),
                new RegistryAvroDeserializer<>(SubjectKey.class, registry), Duration.ofMinutes(1))) {
            assertThat(raw).allMatch(r -> SealedValue.isSealed(r.value().getPayload()) && (r.key().equals(erasedSession)
                    ? PersonalFields.open(r.value().getPayload(), keys).equals(SealedValue.ERASED)
                    : PersonalFields.open(r.value().getPayload(), keys).contains("\"client_secret\":\"[REDACTED]\"")));
        }
    }

    /** Read from the broker's own segment files: each service's producer compresses (KafkaConnection.producerConfig). */
    private static void everyBatchTheServicesWroteIsCompressed() throws IOException {
        // ingest, the processor (its topics and its changelog), the notifier's Streams app and its sender
        List<String> topics = List.of(Topics.WEBHOOKS_RAW.name(), Topics.SESSION_EVENTS.name(), Topics.SESSION_STATE.name(),
                "onramp-processor-session-state-changelog", Topics.NOTIFICATIONS.name(), Topics.NOTIFICATION_RESULTS.name());
        for (String topic : topics) {
            assertThat(StoredBatches.byCompression(STACK.broker().logDir(), topic)).as(topic).isNotEmpty().containsOnlyKeys("lz4");
        }
    }

    /** No client_secret, and no trace of a forged or stale delivery, anywhere: topics, emails, logs. */
    private static void noSecretAndNoForgeryAnywhere(MimeMessage[] received, ListAppender<ILoggingEvent> logs) throws Exception {
        List<String> forbidden = List.of("_secret_", "evt_forged_", "evt_stale_", "cos_ForgedSession", "cos_StaleSession");
        for (Topic<?> topic : Topics.ALL) {
            for (byte[] value : TopicReader.rawValues(STACK.bootstrapServers(), topic.name())) {
                String text = value == null ? "" : new String(value, StandardCharsets.ISO_8859_1);
                forbidden.forEach(f -> assertThat(text).as(topic.name()).doesNotContain(f));
            }
        }
        for (MimeMessage message : received) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            message.writeTo(wire);
            assertThat(wire.toString(StandardCharsets.UTF_8)).doesNotContain("_secret_");
        }
        List<String> lines = new ArrayList<>();
        logs.list.forEach(e -> lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())));
        assertThat(lines).isNotEmpty();
        assertThat(lines).noneMatch(line -> line.contains("_secret_") || line.contains(SECRET) || line.contains(API_KEY)
                || line.contains(PLATFORM_WEBHOOK_SECRET) || line.contains(VAPID.privateKey()) || line.contains("/push/cos_"));
    }

    /**
     * `onramp replay`: the same rules reproduce production, after an erasure too (the fold reads sealed values as they
     * are); a changed rule shows exactly the sessions it changes.
     */
    private static void replayFindsExactlyTheSessionsARuleChangeAffects(SimulationPlan plan) throws Exception {
        var connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        var replay = new SessionReplay(connection, null);

        var same = replay.run("same", null, new SessionStateMachine());
        assertThat(same.events()).isPositive();
        assertThat(same.differences()).isEmpty();

        // A deliberately changed rule: "rejected" is no longer understood, so it never ends a session.
        var changed = replay.run("ignore-rejected", null, new SessionStateMachine() {
            @Override
            public Transition apply(SessionState current, OnrampSessionEvent event, Instant now) {
                if (event.getStatus() == SessionStatus.REJECTED) {
                    event = OnrampSessionEvent.newBuilder(event).setStatus(SessionStatus.UNKNOWN).build();
                }
                return super.apply(current, event, now);
            }
        });
        Set<String> rejected = plan.sessions().stream().filter(s -> s.ending() == SessionScript.Ending.REJECTED)
                .map(SessionScript::sessionId).collect(Collectors.toSet());
        assertThat(changed.differences().stream().map(ReplayDifference::sessionId).collect(Collectors.toSet()))
                .isEqualTo(rejected);
        assertThat(changed.differences()).filteredOn(d -> d.what().equals("outcome")).hasSize(rejected.size())
                .allMatch(d -> d.live().startsWith("REJECTED") && d.replayed().equals("(none)"));

        // Re-mapping the raw webhooks with ingest's mapping and replaying them reproduces production too.
        var remapped = replay.runRemapped("remap", null, new WebhookMapper());
        assertThat(remapped.events()).isPositive();
        assertThat(remapped.differences()).isEmpty();
    }

    /** `onramp audit` over the same topics: one session's timeline, and the period's counts. */
    private static void auditAnswersWhatHappened(SimulationPlan plan, OnrampSimulator.Report report, Instant from,
                                                 SchemaRegistryClient registry) {
        var scan = new AuditAccess(STACK.bootstrapServers(), registry);
        SessionScript session = plan.sessions().stream()
                .filter(s -> s.ending() == SessionScript.Ending.FULFILLED && s.recipientEmail() != null
                        && s.deliveries().size() > s.deliveries().stream().map(SessionScript.Delivery::eventId).distinct().count())
                .findFirst().orElseThrow();
        long distinctEvents = session.deliveries().stream().map(SessionScript.Delivery::eventId).distinct().count();
        List<Map<String, Object>> timeline = scan.timeline(session.sessionId());
        assertThat(timeline.stream().filter(e -> e.get("kind").equals("webhook"))).hasSize(session.deliveries().size());
        assertThat(timeline.stream().filter(e -> String.valueOf(e.get("note")).contains("duplicate")))
                .hasSize((int) (session.deliveries().size() - distinctEvents));
        assertThat(timeline.stream().filter(e -> e.get("kind").equals("state"))).hasSize((int) distinctEvents);
        assertThat(timeline.stream().filter(e -> e.get("kind").equals("outcome"))).singleElement()
                .satisfies(e -> assertThat(e.get("outcome")).isEqualTo("FULFILLED"));
        assertThat(timeline.stream().filter(e -> e.get("kind").equals("notification") && e.get("channel").equals("email")))
                .singleElement().satisfies(e -> assertThat(e.get("status")).isEqualTo("SENT"));
        assertThat(timeline.stream().filter(e -> e.get("kind").equals("notification")))
                .hasSize(1 + (OnrampSimulator.registersPush(session.sessionId()) ? 1 : 0)
                        + (OnrampSimulator.registersWebhook(session.sessionId()) ? 1 : 0))
                .allSatisfy(e -> assertThat(e.get("status")).isEqualTo("SENT"));
        assertThat(timeline.stream().filter(e -> e.get("kind").equals("recipient"))).singleElement()
                .satisfies(e -> assertThat(String.valueOf(e.get("email"))).contains("***").doesNotContain(session.recipientEmail()));

        Map<String, Long> counts = scan.report(from, Instant.now().plusSeconds(60));
        long fulfilled = plan.sessions().stream().filter(s -> s.ending() == SessionScript.Ending.FULFILLED).count();
        long rejected = plan.sessions().stream().filter(s -> s.ending() == SessionScript.Ending.REJECTED).count();
        long fulfilledNoRecipient = plan.sessions().stream()
                .filter(s -> s.ending() == SessionScript.Ending.FULFILLED && s.recipientEmail() == null).count();
        assertThat(counts.get("webhooks.accepted")).isEqualTo(report.accepted());
        assertThat(counts.get("webhooks.dead_lettered")).isZero();
        assertThat(counts.get("outcomes.fulfilled")).isEqualTo(fulfilled);
        assertThat(counts.get("outcomes.rejected")).isEqualTo(rejected);
        assertThat(counts.get("sessions.final_status.fulfillment_complete")).isEqualTo(fulfilled);
        assertThat(counts.get("notifications.sent.email"))
                .isEqualTo(plan.sessions().stream().filter(s -> s.terminal() && s.recipientEmail() != null).count());
        assertThat(counts.get("notifications.sent")).isEqualTo(counts.get("notifications.sent.email") + counts.get("notifications.sent.push")
                + counts.get("notifications.sent.webhook"));
        assertThat(counts.get("fulfilled_without_notification")).isEqualTo(fulfilledNoRecipient);
        assertThat(counts.getOrDefault("fulfilled_without_notification.no_recipient", 0L)).isEqualTo(fulfilledNoRecipient);
    }

    private static <V extends SpecificRecord> List<ConsumerRecord<String, V>> read(Topic<V> topic, SchemaRegistryClient registry) {
        return TopicReader.readAll(STACK.bootstrapServers(), topic.name(), new StringDeserializer(),
                new RegistryAvroDeserializer<>(topic.valueType(), registry));
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        // Everything our code logs, at every level, is checked.
        context.getLogger("dev.onramp").setLevel(ch.qos.logback.classic.Level.DEBUG);
        return appender;
    }
}
