package dev.onramp.ingest.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.onramp.ingest.IngestMetrics;
import dev.onramp.ingest.kafka.TransactionalEventWriter;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.BoundedBody;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookDeadLetter;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/stripe}: verify, redact, map, write, and only then answer 200.
 *
 * <pre>
 *   bad signature            -> 400, nothing written
 *   body too large           -> 413, nothing written
 *   verified, unmappable     -> 400, redacted bytes + reason to onramp.webhooks.dlq.v1
 *   verified session event   -> RawWebhook + OnrampSessionEvent in one transaction -> 200
 *   verified, other type     -> RawWebhook only -> 200
 *   Kafka does not ack in time -> 503, so Stripe retries
 * </pre>
 */
public final class WebhookEndpoint implements Handler {
    private static final Logger log = LoggerFactory.getLogger(WebhookEndpoint.class);

    private final SignatureVerifier verifier;
    private final ClientSecretRedactor redactor;
    private final WebhookMapper mapper;
    private final TransactionalEventWriter writer;
    private final IngestMetrics metrics;
    private final Duration kafkaTimeout;
    private final int maxBodyBytes;
    private final Clock clock;

    public WebhookEndpoint(SignatureVerifier verifier, ClientSecretRedactor redactor, WebhookMapper mapper,
                           TransactionalEventWriter writer, IngestMetrics metrics, Duration kafkaTimeout,
                           int maxBodyBytes, Clock clock) {
        this.verifier = verifier;
        this.redactor = redactor;
        this.mapper = mapper;
        this.writer = writer;
        this.metrics = metrics;
        this.kafkaTimeout = kafkaTimeout;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    @Override
    public void handle(Context ctx) {
        Instant receivedAt = clock.instant();
        byte[] body;
        try {
            body = BoundedBody.read(ctx, maxBodyBytes);
        } catch (ApiError e) {
            metrics.webhook(e.status() == HttpStatus.CONTENT_TOO_LARGE ? "too_large" : e.code());
            throw e;
        }
        String signatureHeader = ctx.header("Stripe-Signature");
        Verification verified;
        try {
            verified = verifier.verify(body, signatureHeader);
        } catch (SignatureRejected e) {
            metrics.signatureFailure(e.failure());
            log.info("refused webhook: {}", e.failure().code());
            throw new ApiError(HttpStatus.BAD_REQUEST, e.failure().code(), e.failure().message());
        }

        String sha256 = sha256(body);
        ClientSecretRedactor.Redacted redacted = redactor.redact(verified.body());
        List<ProducerRecord<String, ? extends SpecificRecord>> records = new ArrayList<>(2);
        WebhookMapper.Envelope envelope;
        Optional<OnrampSessionEvent> event;
        try {
            if (!redacted.isJson()) {
                throw new UnmappableWebhook("body is not JSON");
            }
            envelope = mapper.envelope(redacted.tree());
            event = mapper.sessionEvent(redacted.tree(), envelope, receivedAt, sha256);
        } catch (UnmappableWebhook e) {
            deadLetter(redacted.text(), sha256, signatureHeader, verified.verifiedBy(), receivedAt, e.getMessage());
            metrics.webhook("dead_lettered");
            log.warn("verified webhook {} could not be mapped and went to {}: {}", sha256, Topics.WEBHOOKS_DLQ.name(), e.getMessage());
            throw new ApiError(HttpStatus.BAD_REQUEST, "unmappable_event", e.getMessage());
        }

        String key = envelope.isSessionEvent() ? envelope.objectId() : envelope.eventId();
        records.add(new ProducerRecord<>(Topics.WEBHOOKS_RAW.name(), key, RawWebhook.newBuilder()
                .setEventId(envelope.eventId())
                .setEventType(envelope.type())
                .setSessionId(envelope.isSessionEvent() ? envelope.objectId() : null)
                .setPayload(redacted.text())
                .setBodySha256(sha256)
                .setSignatureHeader(signatureHeader)
                .setVerifiedBy(verified.verifiedBy())
                .setReceivedAt(receivedAt)
                .build()));
        event.ifPresent(e -> records.add(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), e.getSessionId(), e)));
        write(records);
        metrics.webhook(event.isPresent() ? "accepted" : "ignored_type");
        ctx.json(Map.of("received", true, "event_id", envelope.eventId()));
    }

    private void deadLetter(String redactedText, String sha256, String header, String verifiedBy, Instant receivedAt, String reason) {
        write(List.of(new ProducerRecord<>(Topics.WEBHOOKS_DLQ.name(), sha256, WebhookDeadLetter.newBuilder()
                .setReason(reason)
                .setBody(ByteBuffer.wrap(redactedText.getBytes(StandardCharsets.UTF_8)))
                .setBodySha256(sha256)
                .setSignatureHeader(header)
                .setVerifiedBy(verifiedBy)
                .setReceivedAt(receivedAt)
                .build())));
    }

    private void write(List<ProducerRecord<String, ? extends SpecificRecord>> records) {
        long began = System.nanoTime();
        try {
            writer.write(records, kafkaTimeout);
            metrics.produced(Duration.ofNanos(System.nanoTime() - began));
        } catch (TransactionalEventWriter.WriteFailed e) {
            metrics.webhook("unavailable");
            log.warn("answering 503: {}", e.getMessage());
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "kafka_unavailable", "the event could not be stored; retry later");
        }
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
