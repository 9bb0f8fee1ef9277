package dev.onramp.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A history of sessions as production writes it to {@code onramp.session-events.v1}: each session's events minutes
 * apart, between other sessions' events, not back to back (the processor and state benches).
 */
final class SessionHistory {
    private static final SessionStatus[] PATH = {SessionStatus.INITIALIZED, SessionStatus.REQUIRES_PAYMENT,
            SessionStatus.FULFILLMENT_PROCESSING, SessionStatus.FULFILLMENT_COMPLETE};

    private SessionHistory() {
    }

    /**
     * Sessions start evenly over the days; each session's four events follow minutes apart (jittered, seeded), and
     * everything is written in time order, so a session's events sit between other sessions' as they would in
     * production. Each record's timestamp is its receipt time, as ingest writes it.
     */
    static long write(BenchStack stack, int sessions, Duration span, PersonalDetails personal) {
        Map<String, Object> config = new HashMap<>(stack.connection.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Instant origin = Instant.parse("2026-01-01T00:00:00Z");
        long spacingMillis = span.toMillis() / sessions;
        Random random = new Random(42);
        record Due(long at, int session, int step) {
        }
        PriorityQueue<Due> pending = new PriorityQueue<>(Comparator.comparingLong(Due::at));
        long count = 0;
        try (var producer = new KafkaProducer<>(config, new StringSerializer(),
                new RegistryAvroSerializer<OnrampSessionEvent>(stack.connection.registryClient()))) {
            for (int s = 0; s <= sessions; s++) {
                long startsAt = s * spacingMillis;
                while (!pending.isEmpty() && (pending.peek().at() <= startsAt || s == sessions)) {
                    Due due = pending.poll();
                    Instant at = origin.plusMillis(due.at());
                    String session = String.format(Locale.ROOT, "cos_History%010d", due.session());
                    producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), null, at.toEpochMilli(), session,
                            personal.of(event(session, due.step(), at))));
                    count++;
                    if (due.step() + 1 < PATH.length) {
                        long gap = Duration.ofMinutes(1 + random.nextInt(10)).toMillis();
                        pending.add(new Due(due.at() + gap, due.session(), due.step() + 1));
                    }
                }
                if (s < sessions) {
                    pending.add(new Due(startsAt, s, 0));
                }
            }
            producer.flush();
        }
        return count;
    }

    private static OnrampSessionEvent event(String session, int step, Instant at) {
        return OnrampSessionEvent.newBuilder()
                .setEventId("evt_" + session + "_" + step).setEventType("crypto.onramp_session_updated")
                .setEventCreated(at).setSessionId(session)
                .setStatus(PATH[step]).setStatusRaw(PATH[step].name().toLowerCase(Locale.ROOT))
                .setTransactionDetails(TransactionDetails.newBuilder().setDestinationAmount("0.5")
                        .setDestinationCurrency("eth").setDestinationNetwork("ethereum")
                        .setSourceAmount("1500.00").setSourceCurrency("usd").build())
                .setReceivedAt(at).build();
    }
}
