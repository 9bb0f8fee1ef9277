package dev.onramp.ingest.erasure;

import dev.onramp.ingest.IngestMetrics;
import dev.onramp.runtime.kafka.CommandFollower;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.SubjectKeys;
import dev.onramp.schemas.ErasureRequest;
import dev.onramp.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the erasures operators ask for on the console: the console records each request on
 * {@code onramp.erasure-requests.v1} (who, when, which session; no personal data), and ingest, the one writer of the
 * key topic, tombstones the session's data keys and recipient in the transaction that marks the request done, so each
 * request is carried out exactly once whatever crashes. The request stays on its topic: the audit record.
 *
 * <p>When the keys cannot be read the request waits (a WARN and {@code onramp_ingest_erasures_total{outcome="unavailable"}})
 * and is tried again, never skipped.
 */
public final class ErasureRequests implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ErasureRequests.class);

    private final SubjectErasure erasure;
    private final SubjectKeys sealing;
    private final IngestMetrics metrics;
    private final CommandFollower<ErasureRequest> follower;

    public ErasureRequests(KafkaConnection kafka, String transactionalId, SubjectErasure erasure, SubjectKeys sealing,
                           IngestMetrics metrics) {
        this.erasure = erasure;
        this.sealing = sealing;
        this.metrics = metrics;
        this.follower = new CommandFollower<>("erasure requests", kafka, Topics.ERASURE_REQUESTS_GROUP, transactionalId, Topics.ERASURE_REQUESTS,
                this::carryOut, () -> metrics.erasure("unavailable"));
    }

    private CommandFollower.Effects carryOut(ConsumerRecord<String, ErasureRequest> record) {
        ErasureRequest request = record.value();
        if (request == null) {
            return CommandFollower.Effects.NONE;
        }
        String sessionId = request.getSessionId();
        // Forgotten first, so that nothing this instance seals from now on uses a key about to be deleted.
        sealing.forget(sessionId);
        SubjectErasure.Erased erased;
        try {
            erased = erasure.planFor(sessionId);
        } catch (KafkaKeyStore.Unavailable e) {
            throw new CommandFollower.NotNow("the keys of " + sessionId + " cannot be read: " + e.getMessage(), e);
        }
        return new CommandFollower.Effects(erased.tombstones(), () -> {
            sealing.forget(sessionId);
            metrics.erasure("erased");
            log.info("erasure {} by {}: session {} erased, {} data keys deleted, recipient removed", request.getRequestId(),
                    request.getRequestedBy(), sessionId, erased.dataKeys());
        });
    }

    @Override
    public void close() {
        follower.close();
    }
}
