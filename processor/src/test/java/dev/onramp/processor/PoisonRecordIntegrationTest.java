package dev.onramp.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onramp.devstack.FreePorts;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.streams.PoisonRecords;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.PoisonRecord;
import dev.onramp.schemas.PoisonStage;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.TcpProxy;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records another team (or a misconfigured producer) put on the processor's input topic: set aside with their
 * origin, never fatal; and a registry outage, which is not the record's fault: retried, never set aside.
 */
class PoisonRecordIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final String API_KEY = "poison-test-api-key-0123456789";
    private static KafkaConnection connection;
    private static SchemaRegistry registry;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void contracts() {
        connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        registry = connection.registryClient();
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.ensure(admin, registry, 3, (short) 1);
        }
    }

    @Test
    void unreadableAndMisroutedRecordsAreSetAsideAndEverySessionStillGetsItsOutcome() throws Exception {
        byte[] wrongContract = new RegistryAvroSerializer<SessionRecipient>(registry).serialize(Topics.RECIPIENTS.name(),
                SessionRecipient.newBuilder().setSessionId("cos_PoisonWrongContract").setEmail("x@example.com")
                        .setLocale("en").setUpdatedAt(Instant.now()).build());
        byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).put(new byte[] {2, 4, 6, 8}).array();
        List<byte[]> poison = List.of("garbage\n".getBytes(StandardCharsets.UTF_8), unknownId, wrongContract);
        try (var raw = rawProducer()) {
            for (int partition = 0; partition < 3; partition++) {
                for (byte[] value : poison) {
                    raw.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), partition,
                            ("cos_Poison" + partition).getBytes(StandardCharsets.UTF_8), value)).get();
                }
            }
            // Readable, but keyed by something else than its session: it would be applied on the wrong task.
            raw.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), "not-the-session".getBytes(StandardCharsets.UTF_8),
                    encode(event("cos_PoisonMisrouted01", SessionStatus.FULFILLMENT_COMPLETE, 1)))).get();
        }
        List<String> sessions = new ArrayList<>();
        try (var events = eventProducer()) {
            for (int i = 0; i < 12; i++) {
                String session = String.format("cos_AfterPoison%04d", i);
                sessions.add(session);
                events.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), session, event(session, SessionStatus.REQUIRES_PAYMENT, 1)));
                events.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), session, event(session, SessionStatus.FULFILLMENT_COMPLETE, 2)));
            }
        }

        try (ProcessorService processor = start("poison-test-processor", STACK.registryUrl())) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> outcomeSessions().containsAll(sessions));
            assertThat(get(processor, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(processor, "/metrics").body())
                    .contains("onramp_poison_records_total{application=\"poison-test-processor\",stage=\"DESERIALIZATION\","
                            + "topic=\"onramp.session-events.v1\"} 9.0")
                    .contains("onramp_poison_records_total{application=\"poison-test-processor\",stage=\"PROCESSING\","
                            + "topic=\"onramp.session-events.v1\"} 1.0");
        }

        List<ConsumerRecord<byte[], PoisonRecord>> setAside = poisonRecords("poison-test-processor");
        assertThat(setAside).hasSize(10);
        assertThat(setAside).filteredOn(r -> r.value().getStage() == PoisonStage.DESERIALIZATION).hasSize(9)
                .allSatisfy(r -> {
                    PoisonRecord p = r.value();
                    assertThat(p.getApplicationId()).isEqualTo("poison-test-processor");
                    assertThat(p.getOriginTopic()).isEqualTo(Topics.SESSION_EVENTS.name());
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("cos_Poison" + p.getOriginPartition());
                    assertThat(header(r, PoisonRecords.ORIGIN_TOPIC)).isEqualTo(Topics.SESSION_EVENTS.name());
                    assertThat(header(r, PoisonRecords.ORIGIN_PARTITION)).isEqualTo(String.valueOf(p.getOriginPartition()));
                    assertThat(header(r, PoisonRecords.ORIGIN_OFFSET)).isEqualTo(String.valueOf(p.getOriginOffset()));
                    assertThat(header(r, PoisonRecords.ERROR_CLASS)).isEqualTo(p.getErrorClass());
                    assertThat(poison).anySatisfy(v -> assertThat(toArray(p.getValue())).isEqualTo(v));
                });
        assertThat(setAside).filteredOn(r -> r.value().getStage() == PoisonStage.PROCESSING).singleElement()
                .satisfies(r -> assertThat(r.value().getErrorMessage()).contains("keyed 'not-the-session'"));
        assertThat(outcomeSessions()).doesNotContain("cos_PoisonMisrouted01");
    }

    /** The registry away is not the record's fault: the record is read again once it is back, never set aside. */
    @Test
    void aRegistryOutageIsRetriedNotSetAside() throws Exception {
        int registryPort = URI.create(STACK.registryUrl()).getPort();
        try (TcpProxy toRegistry = new TcpProxy(registryPort);
             ProcessorService processor = start("registry-outage-processor",
                     STACK.registryUrl().replace(":" + registryPort + "/", ":" + toRegistry.port() + "/"))) {
            processor.awaitRunning(Duration.ofSeconds(60));
            toRegistry.cut();
            // Written by a producer on a newer (compatible) contract version, whose id this processor has not seen.
            String session = "cos_RegistryOutage01";
            try (var raw = rawProducer()) {
                for (int n = 1; n <= 2; n++) {
                    SessionStatus status = n == 1 ? SessionStatus.REQUIRES_PAYMENT : SessionStatus.FULFILLMENT_COMPLETE;
                    raw.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), session.getBytes(StandardCharsets.UTF_8),
                            encodeWithNewerContract(event(session, status, n)))).get();
                }
            }
            Awaitility.await("the stream thread failing and being replaced").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> get(processor, "/metrics").body()
                            .contains("onramp_stream_thread_replacements_total{application=\"registry-outage-processor\"} "));
            assertThat(outcomeSessions()).doesNotContain(session);
            assertThat(get(processor, "/health/live").statusCode()).isEqualTo(200);

            toRegistry.restore();
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> outcomeSessions().contains(session));
            assertThat(poisonRecords("registry-outage-processor"))
                    .noneMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals(session));
        }
    }

    private ProcessorService start(String applicationId, String registryUrl) throws IOException {
        int port = FreePorts.pick();
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", STACK.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registryUrl,
                "PLATFORM_API_KEY", API_KEY,
                "PROCESSOR_HOST", "127.0.0.1",
                "PROCESSOR_PORT", String.valueOf(port),
                "PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + port,
                "PROCESSOR_APPLICATION_ID", applicationId,
                "PROCESSOR_INSTANCE_ID", applicationId,
                "PROCESSOR_STATE_DIR", Files.createTempDirectory("poison-state").toString()));
        return ProcessorService.start(ProcessorConfig.fromEnv(new Env(env)));
    }

    private static OnrampSessionEvent event(String session, SessionStatus status, int n) {
        return OnrampSessionEvent.newBuilder()
                .setEventId("evt_" + session + "_" + n).setEventType("crypto.onramp_session_updated")
                .setEventCreated(Instant.parse("2026-11-25T09:00:00Z").plusSeconds(n)).setSessionId(session)
                .setStatus(status).setStatusRaw(status.name().toLowerCase(Locale.ROOT))
                .setTransactionDetails(TransactionDetails.newBuilder().setDestinationAmount("1.0").build())
                .setReceivedAt(Instant.now()).build();
    }

    private static byte[] encode(OnrampSessionEvent event) {
        return new RegistryAvroSerializer<OnrampSessionEvent>(registry).serialize(Topics.SESSION_EVENTS.name(), event);
    }

    /** The event under the contract plus one optional field, registered as the subject's next version. */
    private static byte[] encodeWithNewerContract(OnrampSessionEvent event) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema = (ObjectNode) json.readTree(Topics.SESSION_EVENTS.valueSchema().toString());
        schema.withArray("fields").addObject().put("name", "test_only_note")
                .putNull("default").putArray("type").add("null").add("string");
        Schema newer = new Schema.Parser().parse(schema.toString());
        int id = registry.register(Topics.SESSION_EVENTS.valueSubject(), newer);

        ByteArrayOutputStream current = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(current, null);
        new SpecificDatumWriter<OnrampSessionEvent>(OnrampSessionEvent.class).write(event, encoder);
        encoder.flush();
        GenericRecord asNewer = new GenericDatumReader<GenericRecord>(event.getSchema(), newer)
                .read(null, DecoderFactory.get().binaryDecoder(current.toByteArray(), null));

        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.write(0);
        framed.write(ByteBuffer.allocate(4).putInt(id).array());
        var framedEncoder = EncoderFactory.get().binaryEncoder(framed, null);
        new GenericDatumWriter<GenericRecord>(newer).write(asNewer, framedEncoder);
        framedEncoder.flush();
        return framed.toByteArray();
    }

    private static KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(connection.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaProducer<String, OnrampSessionEvent> eventProducer() {
        return new KafkaProducer<>(connection.clientConfig(), new StringSerializer(),
                new RegistryAvroSerializer<>(registry));
    }

    private static List<String> outcomeSessions() {
        return TopicReader.readAll(STACK.bootstrapServers(), Topics.SESSION_OUTCOMES.name(), new StringDeserializer(),
                new RegistryAvroDeserializer<>(SessionOutcome.class, registry)).stream().map(ConsumerRecord::key).toList();
    }

    private static List<ConsumerRecord<byte[], PoisonRecord>> poisonRecords(String applicationId) {
        return TopicReader.readAll(STACK.bootstrapServers(), Topics.POISON_RECORDS.name(), new ByteArrayDeserializer(),
                new RegistryAvroDeserializer<>(PoisonRecord.class, registry)).stream()
                .filter(r -> r.value().getApplicationId().equals(applicationId)).toList();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private HttpResponse<String> get(ProcessorService processor, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processor.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
