package dev.onramp.console.ops;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.SessionIdParam;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.schemas.ErasureRequest;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import io.javalin.http.HttpStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks for the person a session belongs to to be forgotten. The console only records the request on
 * {@code onramp.erasure-requests.v1} (which session, by whose admin key, when: the audit record, with no personal data
 * in it); ingest, the one writer of the key topic, carries it out by tombstoning the session's data keys and recipient.
 * The answer waits a little for ingest, whose consumer group's committed offset says when the request is done, and
 * reports how many data keys the session held when asked.
 */
public final class Eraser {
    private static final Logger log = LoggerFactory.getLogger(Eraser.class);
    /** Long enough for a running ingest (it reads its requests every half second and reads the key topic to its end). */
    public static final Duration WAIT_FOR_INGEST = Duration.ofSeconds(10);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KafkaKeyStore keys;
    private final TransactionalEventWriter writer;
    private final TopicReader topics;
    private final SchemaRegistry registry;
    private final Admin admin;
    private final Duration waitForIngest;
    private final Clock clock;

    public Eraser(KafkaKeyStore keys, TransactionalEventWriter writer, TopicReader topics, SchemaRegistry registry, Admin admin,
                       Duration waitForIngest, Clock clock) {
        this.keys = keys;
        this.writer = writer;
        this.topics = topics;
        this.registry = registry;
        this.admin = admin;
        this.waitForIngest = waitForIngest;
        this.clock = clock;
    }

    /** What became of one request: recorded always; {@code carriedOut} once ingest has deleted the keys. */
    public record Receipt(String requestId, String sessionId, String requestedBy, Instant requestedAt, int dataKeys,
                          boolean carriedOut) {
        public Map<String, Object> toJson() {
            return Map.of("request_id", requestId, "session_id", sessionId, "requested_by", requestedBy,
                    "requested_at", requestedAt.toString(), "data_keys", dataKeys,
                    "status", carriedOut ? "erased" : "requested",
                    "detail", carriedOut
                            ? "ingest deleted the session's " + dataKeys + " data key(s) and its recipient; suppressions stay (by address hash)"
                            : "recorded; ingest has not carried it out yet and will when it runs (onramp_ingest_erasures_total)");
        }
    }

    /** Records the request of the admin key {@code keyId} and waits up to the configured time for ingest. */
    public synchronized Receipt request(String sessionId, String keyId) {
        SessionIdParam.checked(sessionId);
        int held;
        try {
            held = keys.keyIdsOf(sessionId).size();
        } catch (KafkaKeyStore.Unavailable e) {
            log.warn("erasure of {} asked by {} not recorded: {}", sessionId, keyId, e.getMessage());
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "kafka_unavailable", "the data keys could not be read; retry later");
        }
        Instant at = clock.instant();
        ErasureRequest request = ErasureRequest.newBuilder().setRequestId("era_" + HexFormat.of().formatHex(randomBytes()))
                .setSessionId(sessionId).setRequestedBy(keyId).setRequestedAt(at).build();
        try {
            writer.write(List.of(new ProducerRecord<>(Topics.ERASURE_REQUESTS.name(), sessionId, request)), WRITE_TIMEOUT);
        } catch (TransactionalEventWriter.WriteFailed e) {
            log.warn("erasure of {} asked by {} not recorded: {}", sessionId, keyId, e.getMessage());
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "kafka_unavailable", "the request could not be recorded; retry later");
        }
        boolean done = awaitIngest(request);
        log.info("{} asked to erase session {}: request {}, {}", keyId, sessionId, request.getRequestId(),
                done ? "carried out by ingest" : "not carried out by ingest yet");
        return new Receipt(request.getRequestId(), sessionId, keyId, at, held, done);
    }

    private boolean awaitIngest(ErasureRequest request) {
        long deadline = System.nanoTime() + waitForIngest.toNanos();
        Optional<ConsumerRecord<String, ErasureRequest>> recorded = Optional.empty();
        do {
            try {
                if (recorded.isEmpty()) {
                    recorded = topics.readKey(Topics.ERASURE_REQUESTS.name(),
                                    new RegistryAvroDeserializer<>(ErasureRequest.class, registry), request.getSessionId(),
                                    request.getRequestedAt().minusSeconds(60)).stream()
                            .filter(r -> r.value() != null && r.value().getRequestId().equals(request.getRequestId())).findFirst();
                }
                if (recorded.isPresent() && carriedOut(recorded.get())) {
                    return true;
                }
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (RuntimeException e) {
                log.debug("checking on erasure {}: {}", request.getRequestId(), e.toString());
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    private boolean carriedOut(ConsumerRecord<String, ErasureRequest> recorded) throws InterruptedException {
        TopicPartition partition = new TopicPartition(recorded.topic(), recorded.partition());
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Topics.ERASURE_REQUESTS_GROUP)
                    .partitionsToOffsetAndMetadata().get(2, TimeUnit.SECONDS);
            OffsetAndMetadata offset = committed.get(partition);
            return offset != null && offset.offset() > recorded.offset();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            return false;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
