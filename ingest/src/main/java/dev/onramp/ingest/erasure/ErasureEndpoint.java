package dev.onramp.ingest.erasure;

import java.util.List;
import java.util.Map;

import dev.onramp.ingest.IngestMetrics;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.SessionIdParam;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.SubjectKeys;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
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

    private final SubjectErasure erasure;
    private final SubjectKeys sealing;
    private final IngestMetrics metrics;

    public ErasureEndpoint(SubjectErasure erasure, SubjectKeys sealing, IngestMetrics metrics) {
        this.erasure = erasure;
        this.sealing = sealing;
        this.metrics = metrics;
    }

    public void erase(Context ctx) {
        String sessionId = SessionIdParam.checked(ctx.pathParam("session_id"));
        // Forgotten first, so that nothing this instance seals from now on uses a key about to be deleted.
        sealing.forget(sessionId);
        SubjectErasure.Erased erased;
        try {
            erased = erasure.erase(sessionId);
        } catch (KafkaKeyStore.Unavailable | TransactionalEventWriter.WriteFailed e) {
            metrics.erasure("unavailable");
            log.warn("erasure of {} answered 503: {}", sessionId, e.getMessage());
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "kafka_unavailable", "the erasure could not be stored; retry later");
        }
        sealing.forget(sessionId);
        metrics.erasure("erased");
        log.info("erased session {}: {} data keys deleted, recipient removed", sessionId, erased.dataKeys());
        ctx.json(Map.of("session_id", sessionId,
                "erased", Map.of("data_keys", erased.dataKeys(), "recipient", true),
                "kept", List.of("suppressions, by address hash only")));
    }
}
