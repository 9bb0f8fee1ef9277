package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.simulate.ChannelStandIns;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.EventSource;
import dev.onramp.schemas.OccurredAtSource;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.SecuredKafkaCluster;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on a cluster secured as production runs it: three KRaft nodes, SASL_SSL with SCRAM-SHA-512 from every
 * client and between brokers, mutual TLS to the controllers, Kafka's StandardAuthorizer with nothing allowed that
 * {@code deploy/kafka/acls.json} does not grant (applied by {@code onramp acls apply}), and each service under its own
 * principal, changing no contract ({@code ONRAMP_CONTRACTS=verify}). Forgeries from any other principal are refused
 * by the broker and nobody is told of them.
 */
@Tag("slow")
class SecuredClusterIntegrationTest {
    private static final String WEBHOOK_SECRET = "whsec_secured_cluster_test_0123456789";
    private static final String API_KEY = "secured-cluster-platform-key-0123456789";
    private static final String PLATFORM_WEBHOOK_SECRET = "whsec_c2VjdXJlZC1jbHVzdGVyLXBsYXRmb3JtLXNlY3JldA==";
    private static final VapidKeys.Generated VAPID = VapidKeys.generate();
    private static final List<String> PRINCIPALS = List.of("ingest", "processor", "notifier", "console", "other-team");

    private static SecuredKafkaCluster cluster;
    private static final Map<String, String> PASSWORDS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = SecuredKafkaCluster.start();
        for (String principal : PRINCIPALS) {
            PASSWORDS.put(principal, UUID.randomUUID().toString());
            cluster.addUser(principal, PASSWORDS.get(principal));
        }
        try (Admin admin = Admin.create(cluster.adminSettings())) {
            AclsCommand.apply(admin, AclSpec.read(Path.of("../deploy/kafka/acls.json")));
        }
        // The deploy step, with the admin principal: the services' own may not create topics.
        Map<String, String> deployStep = new HashMap<>(cluster.clientEnvironment(SecuredKafkaCluster.ADMIN, adminPassword()));
        deployStep.put("SCHEMA_REGISTRY_URL", DevStackExtension.registry().url());
        deployStep.put("ONRAMP_TOPIC_REPLICATION", "3");
        ContractsCommand.apply(KafkaConnection.fromEnv(deployStep));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void noCredentialsOrAWrongPasswordIsRefused() {
        // TLS but no SASL login. (Not plain text: a client reading a TLS answer as Kafka's takes its first bytes for a
        // length and may try to allocate gigabytes.)
        Map<String, Object> noLogin = new HashMap<>(cluster.clientSettings("ingest", "unused"));
        noLogin.put("security.protocol", "SSL");
        noLogin.remove("sasl.jaas.config");
        noLogin.remove("sasl.mechanism");
        noLogin.put("bootstrap.servers", cluster.bootstrapServers());
        noLogin.put("default.api.timeout.ms", 10_000);
        noLogin.put("request.timeout.ms", 5_000);
        try (Admin admin = Admin.create(noLogin)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS)).as("no credentials: no answer");
        }
        Map<String, Object> wrong = new HashMap<>(cluster.clientSettings("ingest", "not-the-password"));
        wrong.put("bootstrap.servers", cluster.bootstrapServers());
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void eachPrincipalWritesOnlyItsOwnTopicsAndAnotherTeamOnlyReads() throws Exception {
        OnrampSessionEvent forged = forgedCompletion("cos_ForgedByTheProcessor01");
        assertThatThrownBy(() -> write("processor", Topics.SESSION_EVENTS.name(), forged.getSessionId(), forged))
                .as("the processor's principal cannot write session events").hasRootCauseInstanceOf(AuthorizationException.class);
        assertThatThrownBy(() -> write("other-team", Topics.SESSION_EVENTS.name(), forged.getSessionId(), forged))
                .hasRootCauseInstanceOf(AuthorizationException.class);
        SessionOutcome forgedOutcome = SessionOutcome.newBuilder().setSessionId(forged.getSessionId()).setOutcome(OutcomeKind.FULFILLED)
                .setPreviousStatus(SessionStatus.FULFILLMENT_PROCESSING).setOccurredAt(Instant.now()).setDecidingEventId("evt_forged")
                .setOccurredAtSource(OccurredAtSource.STRIPE_EVENT_CREATED).build();
        assertThatThrownBy(() -> write("other-team", Topics.SESSION_OUTCOMES.name(), forged.getSessionId(), forgedOutcome))
                .as("another team cannot write an outcome").hasRootCauseInstanceOf(AuthorizationException.class);
        assertThatThrownBy(() -> write("ingest", Topics.SESSION_OUTCOMES.name(), forged.getSessionId(), forgedOutcome))
                .as("nor ingest").hasRootCauseInstanceOf(AuthorizationException.class);
        assertThatThrownBy(() -> write("console", Topics.SESSION_EVENTS.name(), forged.getSessionId(), forged))
                .as("the console only records redrives").hasRootCauseInstanceOf(AuthorizationException.class);

        assertThat(read("other-team", "other-team-outcomes", Topics.SESSION_OUTCOMES.name())).as("another team reads outcomes")
                .isNotNull();
        assertThatThrownBy(() -> read("other-team", "onramp-processor", Topics.SESSION_OUTCOMES.name()))
                .as("another team cannot join a service's group").isInstanceOf(GroupAuthorizationException.class);
        assertThatThrownBy(() -> read("other-team", "other-team-recipients", Topics.RECIPIENTS.name()))
                .as("nor read who is told").isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> read("other-team", "other-team-keys", Topics.SUBJECT_KEYS.name()))
                .as("nor the data keys that open the sealed fields").isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void theServicesUnderTheirOwnPrincipalsTellEveryChannelAndAForgedOutcomeIsNeverTold() throws Exception {
        int smtpPort = FreePorts.pick();
        GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        String session = "cos_SecuredPipeline00001";
        String forgedSession = "cos_SecuredForgery000001";
        try (ChannelStandIns channels = new ChannelStandIns(PLATFORM_WEBHOOK_SECRET);
             IngestService ingest = IngestService.start(IngestConfig.fromEnv(env("ingest", smtpPort)));
             ProcessorService processor = ProcessorService.start(ProcessorConfig.fromEnv(env("processor", smtpPort)));
             NotifierService notifier = NotifierService.start(NotifierConfig.fromEnv(env("notifier", smtpPort)))) {
            processor.awaitRunning(Duration.ofSeconds(90));
            HttpClient http = HttpClient.newHttpClient();
            for (String id : List.of(session, forgedSession)) {
                HttpResponse<String> recipient = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port()
                                + "/v1/sessions/" + id + "/recipient")).header("Authorization", "Bearer " + API_KEY)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + id.toLowerCase(Locale.ROOT) + "@example.com\","
                                + "\"push_subscription\":" + channels.pushSubscription(id) + ",\"webhook_url\":\"" + channels.webhookUrl() + "\"}"))
                        .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(recipient.statusCode()).as(recipient.body()).isEqualTo(204);
            }
            long now = Instant.now().getEpochSecond();
            int second = 0;
            for (String status : List.of("requires_payment", "fulfillment_processing", "fulfillment_complete")) {
                String body = OnrampEvents.sessionUpdated("evt_secured_" + status, session, status, now + second++);
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port()
                                + "/webhooks/stripe")).header("Stripe-Signature", WebhookSigner.header(WEBHOOK_SECRET, now, body))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            }
            OnrampSessionEvent forged = forgedCompletion(forgedSession);
            for (String principal : List.of("processor", "notifier", "console", "other-team")) {
                assertThatThrownBy(() -> write(principal, Topics.SESSION_EVENTS.name(), forgedSession, forged))
                        .as(principal).hasRootCauseInstanceOf(AuthorizationException.class);
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> mail.getReceivedMessages().length >= 1);
            Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> mail.getReceivedMessages().length == 1);
            assertThat(mail.getReceivedMessages()[0].getAllRecipients()[0].toString()).isEqualTo(session.toLowerCase(Locale.ROOT) + "@example.com");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> channels.pushes() == 1 && channels.webhooksVerified() == 1);
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> channels.pushes() == 1
                    && channels.webhooksVerified() == 1);
            List<SessionOutcome> outcomes = read("other-team", "other-team-check", Topics.SESSION_OUTCOMES.name()).stream()
                    .map(SessionOutcome.class::cast).toList();
            assertThat(outcomes).extracting(SessionOutcome::getSessionId).containsExactly(session);
        } finally {
            mail.stop();
        }
    }

    /**
     * Kafka keeps one SCRAM credential per user: from the change on, an instance still on the old password keeps the
     * connections it has but cannot open another (each of its producers connects to a broker when it first needs
     * it), so a webhook may be answered 503 until that instance is restarted; Stripe retries it. Asserted: nothing
     * is lost (every delivery is retried until stored), nothing is refused but with a 503, and once every instance
     * runs with the new password nothing is refused at all.
     */
    @Test
    void ingestsPasswordChangedWhileRunningAndItsInstancesRestartedOneAtATimeLosesNoWebhook() throws Exception {
        String oldPassword = PASSWORDS.get("ingest");
        Map<String, IngestService> instances = new ConcurrentHashMap<>();
        instances.put("a", IngestService.start(IngestConfig.fromEnv(ingestEnv("a", oldPassword))));
        instances.put("b", IngestService.start(IngestConfig.fromEnv(ingestEnv("b", oldPassword))));
        WebhookStream stream = new WebhookStream(instances);
        stream.start();
        long refusedOnceRotated;
        try {
            stream.awaitAnswered(20);
            String newPassword = UUID.randomUUID().toString();
            cluster.addUser("ingest", newPassword);
            PASSWORDS.put("ingest", newPassword);
            stream.awaitAnswered(stream.answered() + 20);
            for (String instance : List.of("a", "b")) {
                // As a rolling restart does: the load balancer stops sending to it, it stops, it comes back with the new password.
                IngestService stopping = instances.remove(instance);
                stopping.close();
                instances.put(instance, IngestService.start(IngestConfig.fromEnv(ingestEnv(instance, newPassword))));
                stream.awaitAnswered(stream.answered() + 20);
            }
            refusedOnceRotated = stream.refused();
            stream.awaitAnswered(stream.answered() + 40);
        } finally {
            stream.stop();
            instances.values().forEach(IngestService::close);
        }
        assertThat(stream.refusedOtherThan503()).as("refusals other than a retryable 503 (%s)", stream.lastRefusal()).isZero();
        assertThat(stream.refused()).as("refused once every instance runs with the new password (%s)", stream.lastRefusal())
                .isEqualTo(refusedOnceRotated);
        assertThat(stream.answered()).isGreaterThanOrEqualTo(120);
    }

    private static Env ingestEnv(String instance, String password) throws Exception {
        Map<String, String> env = new HashMap<>(env("ingest", 25).values());
        env.putAll(cluster.clientEnvironment("ingest", password));
        env.put("INGEST_TRANSACTIONAL_ID", "onramp-ingest-rotation-" + instance);
        return new Env(env);
    }

    /** Signed webhooks, one after another, each to a running instance, as Stripe's deliveries through a load balancer. */
    private static final class WebhookStream {
        private final Map<String, IngestService> instances;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final AtomicLong answered = new AtomicLong();
        private final AtomicLong refused = new AtomicLong();
        private final AtomicLong refusedOtherThan503 = new AtomicLong();
        private volatile String lastRefusal = "none";
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::run, "webhook-stream");

        WebhookStream(Map<String, IngestService> instances) {
            this.instances = instances;
        }

        void start() {
            thread.start();
        }

        private void run() {
            long n = 0;
            long attempts = 0;
            while (running) {
                String body = OnrampEvents.sessionUpdated("evt_rotation_" + n, "cos_Rotation" + String.format("%012d", n), "requires_payment",
                        Instant.now().getEpochSecond());
                List<IngestService> up = List.copyOf(instances.values());
                if (up.isEmpty()) {
                    continue;
                }
                // Each attempt goes to the next instance, so a retried delivery may land on the other one.
                IngestService target = up.get((int) (attempts++ % up.size()));
                try {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port()
                                    + "/webhooks/stripe")).timeout(Duration.ofSeconds(30))
                            .header("Stripe-Signature", WebhookSigner.header(WEBHOOK_SECRET, Instant.now().getEpochSecond(), body))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        answered.incrementAndGet();
                        n++;
                    } else {
                        // Not answered 200: the same delivery is sent again, as Stripe retries it.
                        refused.incrementAndGet();
                        if (answer.statusCode() != 503) {
                            refusedOtherThan503.incrementAndGet();
                        }
                        lastRefusal = answer.statusCode() + " " + answer.body();
                    }
                } catch (IOException e) {
                    // An instance stopping: the load balancer sends the same delivery to the other one.
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void awaitAnswered(long count) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> answered.get() >= count || refusedOtherThan503.get() > 0);
        }

        long answered() {
            return answered.get();
        }

        long refused() {
            return refused.get();
        }

        long refusedOtherThan503() {
            return refusedOtherThan503.get();
        }

        String lastRefusal() {
            return lastRefusal;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }
    }

    private static Env env(String principal, int smtpPort) throws Exception {
        // The services' ids keep their defaults' prefixes: the ACLs grant the groups and transactional ids by them.
        Map<String, String> env = ServicesEnv.of(cluster.bootstrapServers(), DevStackExtension.registry().url(), "secured",
                WEBHOOK_SECRET, API_KEY, smtpPort);
        env.putAll(cluster.clientEnvironment(principal, PASSWORDS.get(principal)));
        env.put("ONRAMP_CONTRACTS", "verify");
        env.put("VAPID_PUBLIC_KEY", VAPID.publicKey());
        env.put("VAPID_PRIVATE_KEY", VAPID.privateKey());
        env.put("PLATFORM_WEBHOOK_SECRETS", PLATFORM_WEBHOOK_SECRET);
        env.put("INGEST_TRANSACTIONAL_ID", "onramp-ingest-secured");
        return new Env(env);
    }

    private static String adminPassword() {
        String jaas = String.valueOf(cluster.adminSettings().get("sasl.jaas.config"));
        return jaas.substring(jaas.indexOf("password=\"") + 10, jaas.lastIndexOf('"'));
    }

    private static OnrampSessionEvent forgedCompletion(String sessionId) {
        Instant now = Instant.now();
        return OnrampSessionEvent.newBuilder().setEventId("evt_forged_" + sessionId).setEventType("crypto.onramp_session_updated")
                .setEventCreated(now).setSessionId(sessionId).setStatus(SessionStatus.FULFILLMENT_COMPLETE)
                .setStatusRaw("fulfillment_complete").setReceivedAt(now).setSource(EventSource.WEBHOOK).build();
    }

    private static void write(String principal, String topic, String key, SpecificRecord value) throws Exception {
        Map<String, Object> config = new HashMap<>(cluster.clientSettings(principal, PASSWORDS.get(principal)));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        RegistryAvroSerializer<SpecificRecord> values = new RegistryAvroSerializer<>(
                KafkaConnection.local(cluster.bootstrapServers(), DevStackExtension.registry().url()).registryClient());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(), values)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Every record of the topic, read as {@code principal} in consumer group {@code group}. */
    private static List<Object> read(String principal, String group, String topic) {
        Map<String, Object> config = new HashMap<>(cluster.clientSettings(principal, PASSWORDS.get(principal)));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var values = new RegistryAvroDeserializer<>(SessionOutcome.class,
                KafkaConnection.local(cluster.bootstrapServers(), DevStackExtension.registry().url()).registryClient());
        try (KafkaConsumer<String, SessionOutcome> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            List<Object> records = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> records.add(r.value()));
            }
            return records;
        }
    }
}
