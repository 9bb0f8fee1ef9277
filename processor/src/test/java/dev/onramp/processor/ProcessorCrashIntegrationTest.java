package dev.onramp.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.onramp.devstack.FreePorts;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import dev.onramp.testkit.DevStackExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once through a crash: a processor in its own JVM is killed with SIGKILL while a transaction holding
 * outcomes is open; a new instance takes over. Read with read_committed, the outcome topic holds exactly one
 * outcome per terminal session; read_uncommitted shows the aborted extra ones, proof that the kill hit mid-stream.
 */
@Tag("slow")
class ProcessorCrashIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final String API_KEY = "crash-test-api-key-0123456789";
    private static final int SESSIONS = 300;

    @Test
    void killedMidTransactionThenReplacedLeavesExactlyOneOutcomePerTerminalSession() throws Exception {
        KafkaConnection connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        SchemaRegistry registry = connection.registryClient();
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.ensure(admin, registry, 3, (short) 1);
        }
        Map<String, SessionStatus> furthest = produceSessions(connection);
        long terminal = furthest.values().stream()
                .filter(s -> s == SessionStatus.FULFILLMENT_COMPLETE || s == SessionStatus.REJECTED).count();

        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", STACK.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", STACK.registryUrl(),
                "PLATFORM_API_KEY", API_KEY,
                "PROCESSOR_HOST", "127.0.0.1",
                "PROCESSOR_APPLICATION_ID", "crash-test-processor",
                // Long transactions and small polls keep a transaction open while outcomes are written.
                "KAFKA_CLIENT_COMMIT_INTERVAL_MS", "3000",
                "KAFKA_CLIENT_MAX_POLL_RECORDS", "25",
                "KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000"));

        Process doomed = startChildProcessor(env, Files.createTempDirectory("doomed-state"));
        try {
            org.awaitility.Awaitility.await("an open transaction holding outcomes")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        assertThat(doomed.isAlive()).as("child processor died on its own").isTrue();
                        return uncommittedOutcomes() > committedOutcomes();
                    });
        } finally {
            doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        long committedAtKill = committedOutcomes();
        assertThat(committedAtKill).as("killed before it finished").isLessThan(terminal);

        Map<String, String> successorEnv = new HashMap<>(env);
        successorEnv.put("PROCESSOR_PORT", String.valueOf(FreePorts.pick()));
        successorEnv.put("PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + successorEnv.get("PROCESSOR_PORT"));
        successorEnv.put("PROCESSOR_STATE_DIR", Files.createTempDirectory("successor-state").toString());
        successorEnv.put("KAFKA_CLIENT_COMMIT_INTERVAL_MS", "100");
        try (ProcessorService successor = ProcessorService.start(ProcessorConfig.fromEnv(new Env(successorEnv)))) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> committedOutcomes() >= terminal && latestStates().size() == SESSIONS
                            && latestStates().entrySet().stream().allMatch(e -> e.getValue().getStatus() == furthest.get(e.getKey())));
        }

        var deserializer = new RegistryAvroDeserializer<>(SessionOutcome.class, registry);
        Map<String, List<SessionOutcome>> outcomes = TopicReader.readAll(STACK.bootstrapServers(),
                        Topics.SESSION_OUTCOMES.name(), new StringDeserializer(), deserializer).stream()
                .map(r -> r.value()).collect(Collectors.groupingBy(SessionOutcome::getSessionId));
        assertThat(outcomes).hasSize((int) terminal);
        outcomes.forEach((session, list) -> {
            assertThat(list).as(session).hasSize(1);
            assertThat(list.get(0).getOutcome()).isEqualTo(furthest.get(session) == SessionStatus.REJECTED
                    ? OutcomeKind.REJECTED : OutcomeKind.FULFILLED);
        });
        assertThat(uncommittedOutcomes()).as("the killed instance's aborted outcomes are on the log").isGreaterThan(terminal);
    }

    private Process startChildProcessor(Map<String, String> env, Path stateDir) throws IOException {
        int port = FreePorts.pick();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", classpath, ProcessorMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("doomed-processor", ".log").toFile());
        builder.environment().putAll(env);
        builder.environment().put("PROCESSOR_PORT", String.valueOf(port));
        builder.environment().put("PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + port);
        builder.environment().put("PROCESSOR_STATE_DIR", stateDir.toString());
        return builder.start();
    }

    private Map<String, SessionStatus> produceSessions(KafkaConnection connection) throws Exception {
        Random random = new Random(42);
        List<OnrampSessionEvent> events = new ArrayList<>();
        Map<String, SessionStatus> furthest = new HashMap<>();
        List<SessionStatus> path = List.of(SessionStatus.INITIALIZED, SessionStatus.REQUIRES_PAYMENT,
                SessionStatus.FULFILLMENT_PROCESSING, SessionStatus.FULFILLMENT_COMPLETE);
        Instant base = Instant.parse("2026-11-25T09:00:00Z");
        for (int i = 0; i < SESSIONS; i++) {
            String session = String.format("cos_CrashTest%08d", i);
            int kind = i % 10;
            List<SessionStatus> statuses = kind < 6 ? path
                    : kind < 8 ? List.of(SessionStatus.INITIALIZED, SessionStatus.REJECTED)
                    : path.subList(0, 2 + random.nextInt(2));
            for (int s = 0; s < statuses.size(); s++) {
                OnrampSessionEvent event = OnrampSessionEvent.newBuilder()
                        .setEventId("evt_" + session + "_" + s).setEventType("crypto.onramp_session_updated")
                        .setEventCreated(base.plusSeconds(s)).setSessionId(session)
                        .setStatus(statuses.get(s)).setStatusRaw(statuses.get(s).name().toLowerCase(Locale.ROOT))
                        .setTransactionDetails(TransactionDetails.newBuilder().setDestinationAmount("1.0").build())
                        .setReceivedAt(base).build();
                events.add(event);
                if (random.nextInt(3) == 0) {
                    events.add(event);
                }
            }
            furthest.put(session, statuses.get(statuses.size() - 1));
        }
        Collections.shuffle(events, random);
        Map<String, Object> config = new HashMap<>(connection.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        RegistryAvroSerializer<OnrampSessionEvent> serializer = new RegistryAvroSerializer<>(connection.registryClient());
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), serializer)) {
            for (OnrampSessionEvent event : events) {
                producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), event.getSessionId(), event));
            }
            producer.flush();
        }
        return furthest;
    }

    private Map<String, SessionState> latestStates() {
        var deserializer = new RegistryAvroDeserializer<>(SessionState.class,
                KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl()).registryClient());
        Map<String, SessionState> latest = new HashMap<>();
        TopicReader.readAll(STACK.bootstrapServers(), Topics.SESSION_STATE.name(), new StringDeserializer(), deserializer)
                .forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    private long committedOutcomes() {
        return count("read_committed");
    }

    private long uncommittedOutcomes() {
        return count("read_uncommitted");
    }

    /** Records on the outcome topic as a consumer with this isolation level sees them (control records excluded). */
    private long count(String isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.SESSION_OUTCOMES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                count += consumer.poll(Duration.ofMillis(50)).count();
            }
            return count;
        }
    }
}
