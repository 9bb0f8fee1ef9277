package dev.onramp.bench;

import java.util.Map;
import java.util.TreeMap;

import dev.onramp.processor.session.SessionTopology;
import dev.onramp.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The session topology's Kafka and store work without its rules: what the processor's contract costs before any of
 * its own logic. Per event, as the topology does: one read of the session's state and one write of it (cached,
 * logged store of the same name), the state record to a topic; once per session a retirement entry; and index
 * writes and outcomes in the proportions the topology's own run wrote them ({@link WriteShape}). No Avro, no rules:
 * the value written is the event's bytes.
 */
final class ProcessorFloor {
    static final String STATE_TOPIC = "bench.floor-state";
    static final String OUTCOME_TOPIC = "bench.floor-outcomes";

    private ProcessorFloor() {
    }

    /** Records written per event, by what they are, as measured from one run of the session topology. */
    record WriteShape(double states, double outcomes, double sessionChangelog, double indexChangelog, double retirementChangelog) {
        static WriteShape of(String applicationId, Map<String, Double> sent, long events) {
            return new WriteShape(
                    sent.getOrDefault(Topics.SESSION_STATE.name(), 0.0) / events,
                    sent.getOrDefault(Topics.SESSION_OUTCOMES.name(), 0.0) / events,
                    sent.getOrDefault(changelog(applicationId, SessionTopology.SESSIONS_STORE), 0.0) / events,
                    sent.getOrDefault(changelog(applicationId, SessionTopology.QUIET_INDEX_STORE), 0.0) / events,
                    sent.getOrDefault(changelog(applicationId, SessionTopology.RETIREMENT_STORE), 0.0) / events);
        }

        double total() {
            return states + outcomes + sessionChangelog + indexChangelog + retirementChangelog;
        }

        @Override
        public String toString() {
            return String.format("%.2f records written per event (state %.2f, outcome %.2f; changelogs: sessions %.2f, index %.2f,"
                    + " retirement %.2f)", total(), states, outcomes, sessionChangelog, indexChangelog, retirementChangelog);
        }
    }

    static Map<String, Double> recordsSentByTopic(KafkaStreams streams) {
        Map<String, Double> sent = new TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("producer-topic-metrics") && name.name().equals("record-send-total")
                    && metric.metricValue() instanceof Double value) {
                sent.merge(name.tags().get("topic"), value, Double::sum);
            }
        });
        return sent;
    }

    private static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    static Topology build(WriteShape shape) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SessionTopology.SESSIONS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SessionTopology.QUIET_INDEX_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SessionTopology.RETIREMENT_STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled());
        var changes = builder.stream(Topics.SESSION_EVENTS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new SameWrites(shape), SessionTopology.SESSIONS_STORE, SessionTopology.QUIET_INDEX_STORE,
                        SessionTopology.RETIREMENT_STORE);
        changes.filter((key, value) -> value.outcome()).mapValues(Write::value)
                .to(OUTCOME_TOPIC, Produced.with(Serdes.String(), Serdes.ByteArray()));
        changes.filter((key, value) -> !value.outcome()).mapValues(Write::value)
                .to(STATE_TOPIC, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }

    private record Write(byte[] value, boolean outcome) {
    }

    /** Spreads fractional writes evenly over the events, as an accumulator does. */
    private static final class SameWrites implements Processor<String, byte[], String, Write> {
        private final WriteShape shape;
        private ProcessorContext<String, Write> context;
        private KeyValueStore<String, byte[]> sessions;
        private KeyValueStore<String, Long> index;
        private KeyValueStore<String, String> retirement;
        private double indexDue;
        private double outcomesDue;

        SameWrites(WriteShape shape) {
            this.shape = shape;
        }

        @Override
        public void init(ProcessorContext<String, Write> context) {
            this.context = context;
            sessions = context.getStateStore(SessionTopology.SESSIONS_STORE);
            index = context.getStateStore(SessionTopology.QUIET_INDEX_STORE);
            retirement = context.getStateStore(SessionTopology.RETIREMENT_STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            byte[] before = sessions.get(record.key());
            sessions.put(record.key(), record.value());
            if (before == null) {
                retirement.put(record.timestamp() + "/" + record.key(), record.key());
            }
            indexDue += shape.indexChangelog();
            if (indexDue >= 1) {
                indexDue -= 1;
                index.put(record.key(), record.timestamp());
            }
            context.forward(record.withValue(new Write(record.value(), false)));
            outcomesDue += shape.outcomes();
            if (outcomesDue >= 1) {
                outcomesDue -= 1;
                context.forward(record.withValue(new Write(record.value(), true)));
            }
        }
    }
}
