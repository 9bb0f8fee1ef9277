package dev.onramp.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.onramp.devstack.FreePorts;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.testkit.DevStackExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The query API on two instances of one application: either answers for every session. */
class SessionQueryIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final String API_KEY = "query-test-api-key-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anyInstanceAnswersForAnySessionAndUnknownSessionsAre404() throws Exception {
        KafkaConnection connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.ensure(admin, connection.registryClient(), 3, (short) 1);
        }
        List<String> sessions = List.of("cos_QueryTest00000001", "cos_QueryTest00000002", "cos_QueryTest00000003",
                "cos_QueryTest00000004", "cos_QueryTest00000005", "cos_QueryTest00000006");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", STACK.bootstrapServers()),
                new StringSerializer(), new RegistryAvroSerializer<OnrampSessionEvent>(connection.registryClient()))) {
            for (String session : sessions) {
                producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), session, event(session, SessionStatus.FULFILLMENT_PROCESSING, 2)));
                producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), session, event(session, SessionStatus.INITIALIZED, 1)));
            }
        }
        try (ProcessorService one = start(); ProcessorService two = start()) {
            one.awaitRunning(Duration.ofSeconds(60));
            two.awaitRunning(Duration.ofSeconds(60));
            for (ProcessorService instance : List.of(one, two)) {
                for (String session : sessions) {
                    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                            .until(() -> get(instance, session, API_KEY).statusCode() == 200);
                    HttpResponse<String> response = get(instance, session, API_KEY);
                    assertThat(response.body())
                            .contains("\"id\":\"" + session + "\"")
                            .contains("\"status\":\"fulfillment_processing\"")
                            .contains("\"disposition\":\"older\"")
                            .contains("\"destination_amount\":\"0.25\"");
                }
                assertThat(get(instance, "cos_NeverSeenSession01", API_KEY).statusCode()).isEqualTo(404);
                assertThat(get(instance, "not_a_session_id", API_KEY).statusCode()).isEqualTo(400);
                assertThat(get(instance, "cos_" + "a".repeat(65), API_KEY).statusCode()).isEqualTo(400);
                assertThat(get(instance, sessions.get(0), null).statusCode()).isEqualTo(401);
            }
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + one.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("kafka_stream_thread").contains("onramp_processor_events_total");
        }
    }

    /**
     * An instance that takes over with an empty state directory rebuilds its copies from the changelog: while it
     * does, a session the application has processed is answered late or 503 (retry), never 404.
     */
    @Test
    void anInstanceRestoringItsCopiesNeverSaysAProcessedSessionIsUnknown() throws Exception {
        KafkaConnection connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.ensure(admin, connection.registryClient(), 3, (short) 1);
        }
        int count = 30_000;
        List<String> sessions = new ArrayList<>();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", STACK.bootstrapServers(), "linger.ms", 20),
                new StringSerializer(), new RegistryAvroSerializer<OnrampSessionEvent>(connection.registryClient()))) {
            for (int i = 0; i < count; i++) {
                String session = String.format(Locale.ROOT, "cos_Restore%010d", i);
                sessions.add(session);
                producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), session, event(session, SessionStatus.INITIALIZED, 1)));
            }
        }
        String last = sessions.get(count - 1);
        try (ProcessorService first = start("restore-test-processor", Map.of()); Admin admin = Admin.create(connection.clientConfig())) {
            Awaitility.await("every event processed").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> unprocessed(admin, "restore-test-processor") == 0);
        }
        // Small restore fetches stretch the restore, so that the questions arrive while it runs.
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> asked = List.of(last, sessions.get(count - 2), sessions.get(count - 3));
        try (ProcessorService second = start("restore-test-processor", Map.of(
                "KAFKA_CLIENT_RESTORE_CONSUMER_MAX_PARTITION_FETCH_BYTES", "2048",
                "KAFKA_CLIENT_RESTORE_CONSUMER_MAX_POLL_RECORDS", "20"))) {
            Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(20)).until(() -> {
                int ok = 0;
                for (String session : asked) {
                    int status = get(second, session, API_KEY).statusCode();
                    statuses.merge(status, 1, Integer::sum);
                    ok += status == 200 ? 1 : 0;
                }
                return ok == asked.size();
            });
        }
        assertThat(statuses).as("answers while the copy was restored, by status").doesNotContainKey(404);
    }

    /** Events the application has not committed yet, over every partition of the events topic. */
    private static long unprocessed(Admin admin, String applicationId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < 3; partition++) {
            latest.put(new TopicPartition(Topics.SESSION_EVENTS.name(), partition), OffsetSpec.latest());
        }
        long behind = 0;
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            behind += end.getValue().offset() - (at == null ? 0 : at.offset());
        }
        return behind;
    }

    private ProcessorService start() throws Exception {
        return start("query-test-processor", Map.of());
    }

    private ProcessorService start(String applicationId, Map<String, String> overrides) throws Exception {
        int port = FreePorts.pick();
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", STACK.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", STACK.registryUrl(),
                "PLATFORM_API_KEY", API_KEY,
                "PROCESSOR_HOST", "127.0.0.1",
                "PROCESSOR_PORT", String.valueOf(port),
                "PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + port,
                "PROCESSOR_APPLICATION_ID", applicationId,
                "PROCESSOR_INSTANCE_ID", "query-test-" + port,
                "PROCESSOR_STATE_DIR", Files.createTempDirectory("query-state").toString()));
        env.putAll(overrides);
        return ProcessorService.start(ProcessorConfig.fromEnv(new Env(env)));
    }

    private HttpResponse<String> get(ProcessorService instance, String session, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/v1/sessions/" + session));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static OnrampSessionEvent event(String session, SessionStatus status, int second) {
        return OnrampSessionEvent.newBuilder()
                .setEventId("evt_" + session + "_" + second).setEventType("crypto.onramp_session_updated")
                .setEventCreated(Instant.parse("2026-11-25T09:00:00Z").plusSeconds(second)).setSessionId(session)
                .setStatus(status).setStatusRaw(status.name().toLowerCase(Locale.ROOT))
                .setTransactionDetails(TransactionDetails.newBuilder().setDestinationAmount("0.25").build())
                .setReceivedAt(Instant.now()).build();
    }
}
