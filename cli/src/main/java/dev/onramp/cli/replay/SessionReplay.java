package dev.onramp.cli.replay;

import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.cli.GroupProgress;
import dev.onramp.ingest.webhook.UnmappableWebhook;
import dev.onramp.ingest.webhook.WebhookMapper;
import dev.onramp.processor.ProcessorSerdes;
import dev.onramp.processor.session.SessionMetrics;
import dev.onramp.processor.session.SessionRules;
import dev.onramp.processor.session.SessionStateMachine;
import dev.onramp.processor.session.SessionTopology;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.Topic;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.kafka.KafkaConnection;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import dev.onramp.testkit.TopicReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Re-runs the processor's topology over {@code onramp.session-events.v1} under a fresh application id, writing to
 * topics suffixed {@code .replay-<tag>} so production topics and consumers are untouched, then compares the result
 * with the live state and outcomes.
 */
public final class SessionReplay {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public record Result(long events, double eventsPerSecond, List<ReplayDifference> differences) {
    }

    private final KafkaConnection connection;
    private final SchemaRegistry registry;
    private final PrintStream progress;

    public SessionReplay(KafkaConnection connection, PrintStream progress) {
        this.connection = connection;
        this.registry = connection.registryClient();
        this.progress = progress;
    }

    public static String suffix(String tag) {
        return ".replay-" + tag;
    }

    public Result run(String tag, Instant since, SessionStateMachine machine) throws Exception {
        return runTopology("onramp-replay-" + tag, Topics.SESSION_EVENTS.name(), suffix(tag), since, machine);
    }

    /**
     * Re-maps {@code onramp.webhooks.raw.v1} into {@code onramp.session-events.v1.replay-<tag>} with ingest's
     * mapping (for a fix in that mapping), then runs the topology over that copy and diffs as {@link #run} does.
     */
    public Result runRemapped(String tag, Instant since, WebhookMapper mapper) throws Exception {
        String suffix = suffix(tag);
        Topic<OnrampSessionEvent> events = Topics.SESSION_EVENTS.withSuffix(suffix);
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.ensureTopics(admin, List.of(events), connection.topicPartitions(), connection.topicReplication());
        }
        long unmappable = 0;
        Map<String, Object> producerConfig = new HashMap<>(connection.clientConfig());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new RegistryAvroSerializer<OnrampSessionEvent>(registry))) {
            for (var record : new dev.onramp.cli.audit.AuditAccess(connection.bootstrapServers(), registry).rawWebhooks(since)) {
                RawWebhook raw = record.value();
                try {
                    JsonNode tree = JSON.readTree(raw.getPayload());
                    var envelope = mapper.envelope(tree);
                    var event = mapper.sessionEvent(tree, envelope, raw.getReceivedAt(), raw.getBodySha256());
                    if (event.isPresent()) {
                        producer.send(new ProducerRecord<>(events.name(), event.get().getSessionId(), event.get()));
                    }
                } catch (UnmappableWebhook | java.io.IOException e) {
                    unmappable++;
                }
            }
            producer.flush();
        }
        if (progress != null && unmappable > 0) {
            progress.println(unmappable + " raw webhook(s) could not be mapped and were skipped");
        }
        return runTopology("onramp-replay-" + tag, events.name(), suffix, null, new SessionStateMachine());
    }

    private Result runTopology(String applicationId, String inputTopic, String suffix, Instant since, SessionStateMachine machine)
            throws Exception {
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.ensureTopics(admin, List.of(Topics.SESSION_STATE.withSuffix(suffix),
                    Topics.SESSION_OUTCOMES.withSuffix(suffix), Topics.SESSION_ALERTS.withSuffix(suffix)),
                    connection.topicPartitions(), connection.topicReplication());
            if (since != null) {
                startAt(admin, applicationId, inputTopic, since);
            }
            Map<String, Object> config = StreamsApp.baseConfig(connection, applicationId, Files.createTempDirectory(applicationId));
            long began = System.nanoTime();
            long events;
            try (StreamsApp app = new StreamsApp(SessionTopology.build(SessionRules.defaults(), machine,
                    ProcessorSerdes.on(registry), new SessionMetrics(new SimpleMeterRegistry()), inputTopic, suffix),
                    config, new SimpleMeterRegistry())) {
                app.start();
                events = awaitEnd(admin, applicationId, inputTopic);
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            return new Result(events, events / seconds, diff(suffix));
        }
    }

    /** Commits the group's starting offsets at the first record at or after {@code since}, before the app starts. */
    private void startAt(Admin admin, String applicationId, String topic, Instant since) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.forTimestamp(since.toEpochMilli())));
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        admin.listOffsets(specs).all().get().forEach((tp, info) -> start.put(tp, new OffsetAndMetadata(info.offset() < 0 ? 0 : info.offset())));
        admin.alterConsumerGroupOffsets(applicationId, start).all().get();
    }

    /** Waits for the replay to consume the events topic to its end, printing records/s and lag; returns records replayed. */
    private long awaitEnd(Admin admin, String applicationId, String topic) throws Exception {
        // The end is fixed when the replay starts: events arriving meanwhile are production's, not the replay's.
        long end = GroupProgress.of(admin, applicationId, topic).end();
        long startCommitted = -1;
        long lastDone = 0;
        long lastAt = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofHours(2).toNanos();
        while (System.nanoTime() < deadline) {
            GroupProgress p = GroupProgress.of(admin, applicationId, topic);
            if (startCommitted < 0) {
                startCommitted = p.committed();
            }
            long now = System.nanoTime();
            if (progress != null && now - lastAt >= 1_000_000_000L) {
                progress.printf("\rreplayed %d of %d events, %.0f events/s, lag %d   ", p.committed(), end,
                        (p.committed() - lastDone) / ((now - lastAt) / 1e9), end - p.committed());
                progress.flush();
                lastDone = p.committed();
                lastAt = now;
            }
            if (p.committed() >= end) {
                if (progress != null) {
                    progress.println();
                }
                return end - Math.max(0, startCommitted);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("replay did not reach the end of " + topic);
    }

    /** Sessions whose latest state (status, outcome, last applied event) or outcomes differ between live and replay. */
    List<ReplayDifference> diff(String suffix) {
        Map<String, SessionState> live = latest(Topics.SESSION_STATE);
        Map<String, SessionState> replayed = latest(Topics.SESSION_STATE.withSuffix(suffix));
        Map<String, List<SessionOutcome>> liveOutcomes = outcomes(Topics.SESSION_OUTCOMES);
        Map<String, List<SessionOutcome>> replayedOutcomes = outcomes(Topics.SESSION_OUTCOMES.withSuffix(suffix));
        List<ReplayDifference> differences = new ArrayList<>();
        TreeSet<String> sessions = new TreeSet<>(live.keySet());
        sessions.addAll(replayed.keySet());
        for (String session : sessions) {
            SessionState a = live.get(session);
            SessionState b = replayed.get(session);
            if (!Objects.equals(status(a), status(b))) {
                differences.add(new ReplayDifference(session, "status", status(a), status(b)));
            }
            String outcomeA = summary(liveOutcomes.get(session));
            String outcomeB = summary(replayedOutcomes.get(session));
            if (!outcomeA.equals(outcomeB)) {
                differences.add(new ReplayDifference(session, "outcome", outcomeA, outcomeB));
            }
        }
        return differences;
    }

    private static String status(SessionState state) {
        return state == null ? "(none)" : state.getStatusRaw() + "@" + state.getLastEventId();
    }

    private static String summary(List<SessionOutcome> outcomes) {
        return outcomes == null ? "(none)" : outcomes.stream().map(o -> o.getOutcome() + "@" + o.getDecidingEventId())
                .collect(Collectors.joining(","));
    }

    private Map<String, SessionState> latest(Topic<SessionState> topic) {
        Map<String, SessionState> latest = new HashMap<>();
        TopicReader.readAll(connection.bootstrapServers(), topic.name(), new StringDeserializer(),
                new RegistryAvroDeserializer<>(SessionState.class, registry)).forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    private Map<String, List<SessionOutcome>> outcomes(Topic<SessionOutcome> topic) {
        return TopicReader.readAll(connection.bootstrapServers(), topic.name(), new StringDeserializer(),
                        new RegistryAvroDeserializer<>(SessionOutcome.class, registry)).stream()
                .collect(Collectors.groupingBy(r -> r.key(), Collectors.mapping(r -> r.value(), Collectors.toList())));
    }
}
