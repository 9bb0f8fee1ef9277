package dev.onramp.ingest.erasure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.onramp.ingest.IngestMetrics;
import dev.onramp.ingest.recipient.RecipientRequest;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.SubjectKeys;
import dev.onramp.schemas.Topics;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform API: {@code DELETE /v1/sessions/{id}/personal-data} forgets the person the session belongs to. It
 * deletes every data key of the session (a tombstone each on {@code onramp.subject-keys.v1}), which leaves every sealed
 * copy of their wallet addresses, transaction ids and webhook bodies unreadable wherever it went, and removes the
 * session's recipient. Suppressions stay: they hold only an address's hash, and an unsubscribed person stays
 * unsubscribed. Erasing twice is harmless; the answer says what this call erased.
 */
public final class ErasureEndpoint {
    private static final Logger log = LoggerFactory.getLogger(ErasureEndpoint.class);

    private final KafkaKeyStore keys;
    private final SubjectKeys sealing;
    private final TransactionalEventWriter writer;
    private final IngestMetrics metrics;
    private final Duration kafkaTimeout;

    public ErasureEndpoint(KafkaKeyStore keys, SubjectKeys sealing, TransactionalEventWriter writer, IngestMetrics metrics,
                           Duration kafkaTimeout) {
        this.keys = keys;
        this.sealing = sealing;
        this.writer = writer;
        this.metrics = metrics;
        this.kafkaTimeout = kafkaTimeout;
    }

    public void erase(Context ctx) {
        String sessionId = RecipientRequest.validSessionId(ctx.pathParam("session_id"));
        // Forgotten first, so that nothing this instance seals from now on uses a key about to be deleted.
        sealing.forget(sessionId);
        List<String> keyIds;
        try {
            keyIds = keys.keyIdsOf(sessionId);
        } catch (RuntimeException e) {
            throw unavailable("could not read " + Topics.SUBJECT_KEYS.name() + ": " + e.getMessage());
        }
        List<ProducerRecord<String, ? extends SpecificRecord>> tombstones = new ArrayList<>();
        keyIds.forEach(id -> tombstones.add(new ProducerRecord<>(Topics.SUBJECT_KEYS.name(), id, null)));
        tombstones.add(new ProducerRecord<>(Topics.RECIPIENTS.name(), sessionId, null));
        try {
            writer.write(tombstones, kafkaTimeout);
        } catch (TransactionalEventWriter.WriteFailed e) {
            throw unavailable(e.getMessage());
        }
        sealing.forget(sessionId);
        metrics.erasure("erased");
        log.info("erased session {}: {} data keys deleted, recipient removed", sessionId, keyIds.size());
        ctx.json(Map.of("session_id", sessionId,
                "erased", Map.of("data_keys", keyIds.size(), "recipient", true),
                "kept", List.of("suppressions, by address hash only")));
    }

    private ApiError unavailable(String why) {
        metrics.erasure("unavailable");
        log.warn("erasure answered 503: {}", why);
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "kafka_unavailable", "the erasure could not be stored; retry later");
    }
}
