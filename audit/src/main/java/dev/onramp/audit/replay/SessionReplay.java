package dev.onramp.audit.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.audit.AuditAccess;
import dev.onramp.session.webhook.SignedJson;
import dev.onramp.session.webhook.UnmappableWebhook;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.session.state.SessionSettings;
import dev.onramp.session.state.SessionStateMachine;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.DataKey;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.runtime.privacy.SealedValue;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topic;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Re-runs the processor's session rules over {@code onramp.session-events.v1} under a fresh consumer group
 * ({@code onramp-replay-<tag>}), writing to topics suffixed {@code .replay-<tag>} so production topics and
 * consumers are untouched, then compares the result with the live state and outcomes.
 *
 * <p>Not a second Kafka Streams application: a replay reads a log that is not growing under it, to an end fixed
 * at its start, and writes a side copy that is thrown away after the diff. It needs neither the topology's
 * per-event state store writes and changelog nor its transactions, which bound the processor's rate; partitions
 * folded in memory through the same {@code SessionStateMachine.accept} call replay several times faster (figures
 * in BENCHMARKS.md). Stalled-session alerts are wall-clock events of the live system and are not replayed.
 */
public final class SessionReplay {
    private static final ObjectMapper JSON = SignedJson.mapper();

    public record Result(long events, double eventsPerSecond, List<ReplayDifference> differences) {
    }

    private final KafkaConnection connection;
    private final SessionSettings settings;
    private final SchemaRegistry registry;
    private final PrintStream progress;

    public SessionReplay(KafkaConnection connection, PrintStream progress) {
        this(connection, SessionSettings.defaults(), progress);
    }

    /** @param settings the processor's settings (its de-duplication horizon), so the replay applies the live rules */
    public SessionReplay(KafkaConnection connection, SessionSettings settings, PrintStream progress) {
        this.connection = connection;
        this.settings = settings;
        this.registry = connection.registryClient();
        this.progress = progress;
    }

    public static String suffix(String tag) {
        return ".replay-" + tag;
    }

    public Result run(String tag, Instant since, SessionStateMachine machine) throws Exception {
        return replay("onramp-replay-" + tag, Topics.SESSION_EVENTS.name(), suffix(tag), since, machine);
    }

    /**
     * Re-maps {@code onramp.webhooks.raw.v1} into {@code onramp.session-events.v1.replay-<tag>} with ingest's
     * mapping (for a fix in that mapping), then replays that copy and diffs as {@link #run} does.
     */
    public Result runRemapped(String tag, Instant since, WebhookMapper mapper) throws Exception {
        String suffix = suffix(tag);
        Topic<OnrampSessionEvent> events = Topics.SESSION_EVENTS.withSuffix(suffix);
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.ensureTopics(admin, List.of(events), connection.topicPartitions(), connection.topicReplication());
        }
        long unmappable = 0;
        Set<String> erased = new TreeSet<>();
        Map<String, Object> producerConfig = new HashMap<>(connection.clientConfig());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new RegistryAvroSerializer<OnrampSessionEvent>(registry));
             KafkaKeyStore keys = new KafkaKeyStore(connection.clientConfig(), new RegistryAvroDeserializer<>(SubjectKey.class, registry),
                     Duration.ofMinutes(1))) {
            for (var record : new AuditAccess(connection.bootstrapServers(), registry).rawWebhooks(since)) {
                RawWebhook raw = record.value();
                // A sealed body is opened, and what it maps to sealed again with the same key: the synthetic nonce
                // makes that the very value ingest wrote, so a remap without a fix finds no difference.
                Optional<DataKey> key = SealedValue.keyIdOf(raw.getPayload()).map(id -> keys.find(id).orElse(null));
                if (SealedValue.isSealed(raw.getPayload()) && key.isEmpty()) {
                    erased.add(record.key());
                    continue;
                }
                try {
                    JsonNode tree = JSON.readTree(key.map(k -> SealedValue.open(k, raw.getPayload())).orElse(raw.getPayload()));
                    var envelope = mapper.envelope(tree);
                    var event = mapper.sessionEvent(tree, envelope, raw.getReceivedAt(), raw.getBodySha256())
                            .map(e -> key.map(k -> PersonalFields.seal(e, k)).orElse(e));
                    if (event.isPresent()) {
                        producer.send(new ProducerRecord<>(events.name(), event.get().getSessionId(), event.get()));
                    }
                } catch (UnmappableWebhook | IOException e) {
                    unmappable++;
                }
            }
            producer.flush();
        }
        if (progress != null && unmappable > 0) {
            progress.println(unmappable + " raw webhook(s) could not be mapped and were skipped");
        }
        if (progress != null && !erased.isEmpty()) {
            progress.println(erased.size() + " erased session(s): their raw webhooks cannot be read, so they are left out of the comparison");
        }
        Result result = replay("onramp-replay-" + tag, events.name(), suffix, null, new SessionStateMachine());
        return new Result(result.events(), result.eventsPerSecond(),
                result.differences().stream().filter(d -> !erased.contains(d.sessionId())).toList());
    }

    /**
     * Replays {@code inputTopic} from the start (or {@code since}) to its end as of now, one partition per task
     * ({@link PartitionFold}).
     */
    private Result replay(String groupId, String inputTopic, String suffix, Instant since, SessionStateMachine machine)
            throws Exception {
        Topic<SessionState> stateTopic = Topics.SESSION_STATE.withSuffix(suffix);
        Topic<SessionOutcome> outcomesTopic = Topics.SESSION_OUTCOMES.withSuffix(suffix);
        try (Admin admin = Admin.create(connection.clientConfig())) {
            if (!admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().isEmpty()) {
                throw new IllegalArgumentException("a replay tagged " + suffix.substring(suffix.indexOf('-') + 1)
                        + " already ran (consumer group " + groupId + "); choose another --tag");
            }
            TopicContracts.ensureTopics(admin, List.of(stateTopic, outcomesTopic),
                    connection.topicPartitions(), connection.topicReplication());
            // The end is fixed when the replay starts: events arriving meanwhile are production's, not the replay's.
            Map<TopicPartition, Long> ends = offsets(admin, inputTopic, OffsetSpec.latest());
            OffsetSpec from = since == null ? OffsetSpec.earliest() : OffsetSpec.forTimestamp(since.toEpochMilli());
            Map<TopicPartition, Long> starts = offsets(admin, inputTopic, from);
            // No record at or after `since` in a partition (offset -1): nothing to replay there.
            starts.replaceAll((tp, offset) -> offset < 0 ? ends.get(tp) : offset);

            long began = System.nanoTime();
            AtomicLong replayed = new AtomicLong();
            // All partitions at once (up to twice the cores): a partition's sessions are written out when it is done,
            // and a partition left alone at the end would run on one core while the others idle.
            int threads = Math.max(1, Math.min(ends.size(), 2 * Runtime.getRuntime().availableProcessors()));
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "replay-" + groupId);
                t.setDaemon(true);
                return t;
            });
            try (var producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
                PartitionFold.Output output = new PartitionFold.Output(producer,
                        stateTopic.name(), stateTopic.valueSerde(registry),
                        outcomesTopic.name(), outcomesTopic.valueSerde(registry).serializer());
                List<PartitionFold> folds = new ArrayList<>();
                List<Future<Long>> running = new ArrayList<>();
                for (TopicPartition partition : ends.keySet()) {
                    PartitionFold fold = new PartitionFold(consumer(groupId), partition, starts.get(partition), ends.get(partition),
                            machine, settings.dedupHorizon(), output, replayed);
                    folds.add(fold);
                    running.add(pool.submit(fold));
                }
                showProgress(folds, running, replayed);
                long events = 0;
                for (Future<Long> fold : running) {
                    events += fold.get();
                }
                producer.flush();
                double seconds = (System.nanoTime() - began) / 1e9;
                return new Result(events, events / seconds, diff(suffix, since != null));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, String topic, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().forEach(p -> specs.put(new TopicPartition(topic, p.partition()), spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private KafkaConsumer<String, OnrampSessionEvent> consumer(String groupId) {
        Map<String, Object> config = new HashMap<>(connection.clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        return new KafkaConsumer<>(config, new StringDeserializer(), new RegistryAvroDeserializer<>(OnrampSessionEvent.class, registry));
    }

    /** Uncompressed, unlike the services' producers: side copies live until the diff, and a replay is CPU-bound. */
    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(connection.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return config;
    }

    /**
     * Prints events/s and how many offsets are left, once a second, until every partition is done. Offsets, not
     * events: ingest's transactions put a marker after each commit, so a topic has more offsets than events.
     */
    private void showProgress(List<PartitionFold> folds, List<Future<Long>> running, AtomicLong replayed) throws InterruptedException {
        long lastDone = 0;
        long lastAt = System.nanoTime();
        while (!running.stream().allMatch(Future::isDone)) {
            Thread.sleep(200);
            long now = System.nanoTime();
            if (progress != null && now - lastAt >= 1_000_000_000L) {
                long done = replayed.get();
                progress.printf("\rreplayed %d events, %.0f events/s, %d offsets to go   ", done,
                        (done - lastDone) / ((now - lastAt) / 1e9), folds.stream().mapToLong(PartitionFold::remaining).sum());
                progress.flush();
                lastDone = done;
                lastAt = now;
            }
        }
        if (progress != null) {
            progress.println();
        }
    }

    /**
     * Sessions whose latest state (status, outcome, last applied event) or outcomes differ between live and replay.
     *
     * @param replayedOnly compare only the sessions the replay saw: a replay from a time leaves out every session
     *                     whose events all came before it, which would otherwise all show as differences
     */
    public List<ReplayDifference> diff(String suffix, boolean replayedOnly) {
        Map<String, SessionState> live = latest(Topics.SESSION_STATE);
        Map<String, SessionState> replayed = latest(Topics.SESSION_STATE.withSuffix(suffix));
        Map<String, List<SessionOutcome>> liveOutcomes = outcomes(Topics.SESSION_OUTCOMES);
        Map<String, List<SessionOutcome>> replayedOutcomes = outcomes(Topics.SESSION_OUTCOMES.withSuffix(suffix));
        List<ReplayDifference> differences = new ArrayList<>();
        TreeSet<String> sessions = new TreeSet<>(replayed.keySet());
        if (!replayedOnly) {
            sessions.addAll(live.keySet());
        }
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
        new TopicReader(connection.clientConfig()).read(topic.name(), new RegistryAvroDeserializer<>(SessionState.class, registry),
                null, key -> true).forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    private Map<String, List<SessionOutcome>> outcomes(Topic<SessionOutcome> topic) {
        return new TopicReader(connection.clientConfig()).read(topic.name(), new RegistryAvroDeserializer<>(SessionOutcome.class, registry),
                        null, key -> true).stream()
                .collect(Collectors.groupingBy(r -> r.key(), Collectors.mapping(r -> r.value(), Collectors.toList())));
    }
}
