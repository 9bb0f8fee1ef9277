package dev.onramp.audit.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import dev.onramp.session.state.SessionStateMachine;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Replays one partition of a session-events topic through the session rules, from a start offset to an end
 * offset fixed when the replay began.
 *
 * <p>Every topic is keyed by session id, so a partition holds all of its sessions' events and partitions replay
 * independently (in parallel) with the sessions of one partition in memory. Each event goes through
 * {@link SessionStateMachine#accept}, the very call the processor's topology makes; an outcome is written when
 * the rules yield it, and each session's final state once, when the partition is done (the state topic is a
 * compacted table: its latest value per session is what readers see, and what the diff compares).
 *
 * <p>A session that has ended is kept encoded, as the record it will be written as: one byte array instead of
 * some eighty objects, which every young collection would otherwise copy until the replay ends (it cut the
 * replay's GC pauses several-fold; BENCHMARKS.md). The rare event for an ended session decodes it again.
 */
public final class PartitionFold implements Callable<Long> {
    /** Where the replay writes, and how it encodes. */
    public record Output(Producer<String, byte[]> producer, String stateTopic, Serde<SessionState> states,
                  String outcomesTopic, Serializer<SessionOutcome> outcomes) {
    }

    private final Consumer<String, OnrampSessionEvent> consumer;
    private final TopicPartition partition;
    private final long start;
    private final long end;
    private final SessionStateMachine machine;
    private final Duration dedupHorizon;
    private final Output output;
    private final AtomicLong replayed;
    /** Where this partition's consumer stands, for progress: read from the progress thread. */
    private volatile long position;

    PartitionFold(Consumer<String, OnrampSessionEvent> consumer, TopicPartition partition, long start, long end,
                  SessionStateMachine machine, Duration dedupHorizon, Output output, AtomicLong replayed) {
        this.consumer = consumer;
        this.partition = partition;
        this.start = start;
        this.end = end;
        this.machine = machine;
        this.dedupHorizon = dedupHorizon;
        this.output = output;
        this.replayed = replayed;
        this.position = start;
    }

    /** Offsets of this partition not replayed yet. */
    public long remaining() {
        return Math.max(0, end - position);
    }

    /** Replays the partition and returns how many records it read. */
    @Override
    public Long call() {
        try (consumer) {
            Sessions sessions = new Sessions();
            long read = 0;
            if (start < end) {
                consumer.assign(List.of(partition));
                consumer.seek(partition, start);
                // Under read_committed the position steps over transaction markers and aborted records too, so
                // reaching `end` (the last stable offset when the replay began) means every committed event is in.
                while ((position = consumer.position(partition)) < end) {
                    Instant now = Instant.now();
                    long inBatch = 0;
                    for (ConsumerRecord<String, OnrampSessionEvent> record : consumer.poll(Duration.ofMillis(500)).records(partition)) {
                        if (record.offset() >= end) {
                            break;
                        }
                        inBatch++;
                        apply(sessions, record.value(), now);
                    }
                    read += inBatch;
                    replayed.addAndGet(inBatch);
                }
                position = end;
                consumer.commitSync(Map.of(partition, new OffsetAndMetadata(end)));
            }
            sessions.open.forEach((sessionId, state) -> send(output.stateTopic(), sessionId, encode(state)));
            sessions.ended.forEach((sessionId, encoded) -> send(output.stateTopic(), sessionId, encoded));
            return read;
        }
    }

    private void apply(Sessions sessions, OnrampSessionEvent event, Instant now) {
        if (event == null) {
            return;
        }
        String sessionId = event.getSessionId();
        Optional<SessionStateMachine.Transition> accepted = machine.accept(sessions.get(sessionId), event, now, dedupHorizon);
        if (accepted.isEmpty()) {
            return;
        }
        SessionStateMachine.Transition transition = accepted.get();
        sessions.put(sessionId, transition.state());
        transition.outcome().ifPresent(outcome ->
                send(output.outcomesTopic(), sessionId, output.outcomes().serialize(output.outcomesTopic(), outcome)));
    }

    private void send(String topic, String sessionId, byte[] value) {
        output.producer().send(new ProducerRecord<>(topic, sessionId, value));
    }

    private byte[] encode(SessionState state) {
        return output.states().serializer().serialize(output.stateTopic(), state);
    }

    /** A partition's sessions: open ones as objects, ended ones encoded (see the class comment). */
    private final class Sessions {
        final Map<String, SessionState> open = new HashMap<>();
        final Map<String, byte[]> ended = new HashMap<>();

        SessionState get(String sessionId) {
            SessionState state = open.get(sessionId);
            if (state != null) {
                return state;
            }
            byte[] encoded = ended.get(sessionId);
            return encoded == null ? null : output.states().deserializer().deserialize(output.stateTopic(), encoded);
        }

        void put(String sessionId, SessionState state) {
            if (SessionStateMachine.isTerminal(state.getStatus())) {
                open.remove(sessionId);
                ended.put(sessionId, encode(state));
            } else {
                open.put(sessionId, state);
            }
        }
    }
}
