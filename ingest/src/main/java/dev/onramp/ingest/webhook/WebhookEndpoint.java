package dev.onramp.ingest.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.onramp.ingest.IngestMetrics;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.BoundedBody;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.Sha256;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookDeadLetter;
import dev.onramp.session.webhook.ClientSecretRedactor;
import dev.onramp.session.webhook.MappedWebhook;
import dev.onramp.session.webhook.UnmappableWebhook;
import dev.onramp.session.webhook.WebhookReceipt;
import dev.onramp.session.webhook.WebhookMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
    private final Tracing tracing;

    public WebhookEndpoint(SignatureVerifier verifier, ClientSecretRedactor redactor, WebhookMapper mapper,
                           TransactionalEventWriter writer, IngestMetrics metrics, Duration kafkaTimeout,
                           int maxBodyBytes, Clock clock, Tracing tracing) {
        this.verifier = verifier;
        this.redactor = redactor;
        this.mapper = mapper;
        this.writer = writer;
        this.metrics = metrics;
        this.kafkaTimeout = kafkaTimeout;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
        this.tracing = tracing;
    }

    /**
     * The trace starts here and goes on in the records' headers. A caller's {@code traceparent} (a gateway's, say) is
     * only linked: nobody is authenticated before the signature is checked, and an anonymous caller must not choose
     * the trace, or its sampling, that the pipeline records its work in.
     */
    @Override
    public void handle(Context ctx) {
        SpanBuilder builder = tracing.tracer().spanBuilder("webhook").setSpanKind(SpanKind.SERVER).setNoParent();
        SpanContext caller = Span.fromContext(tracing.fromRequest(ctx::header)).getSpanContext();
        if (caller.isValid()) {
            builder.addLink(caller);
        }
        Span span = builder.startSpan();
        try (Scope scope = span.makeCurrent(); Tracing.InLogs logged = Tracing.inLogs(span)) {
            accept(ctx, span);
        } catch (ApiError e) {
            span.setAttribute(Tracing.RESULT, e.code());
            if (e.status().getCode() >= 500) {
                span.setStatus(StatusCode.ERROR, e.code());
            }
            throw e;
        } finally {
            span.end();
        }
    }

    private void accept(Context ctx, Span span) {
        Instant receivedAt = clock.instant();
        byte[] body = readBody(ctx);
        String signatureHeader = ctx.header("Stripe-Signature");
        Verification verified = verify(body, signatureHeader);
        WebhookReceipt receipt = new WebhookReceipt(sha256(body), signatureHeader, verified.verifiedBy(), receivedAt);
        ClientSecretRedactor.Redacted redacted = redactor.redact(body);
        MappedWebhook mapped;
        try {
            mapped = mapper.map(redacted, receipt);
        } catch (UnmappableWebhook e) {
            throw deadLettered(mapper.deadLetter(redacted, receipt, e.getMessage()));
        }
        String sessionId = mapped.raw().getSessionId() == null ? "" : mapped.raw().getSessionId();
        span.setAttribute(Tracing.EVENT_ID, mapped.eventId());
        span.setAttribute(Tracing.SESSION_ID, sessionId);
        try (MDC.MDCCloseable id = MDC.putCloseable("event_id", mapped.eventId());
             MDC.MDCCloseable session = MDC.putCloseable("session_id", sessionId)) {
            write(mapped.records(), Attributes.of(Tracing.SESSION_ID, sessionId, Tracing.EVENT_ID, mapped.eventId()));
        }
        span.setAttribute(Tracing.RESULT, mapped.event().isPresent() ? "accepted" : "ignored_type");
        metrics.webhook(mapped.event().isPresent() ? "accepted" : "ignored_type");
        ctx.json(Map.of("received", true, "event_id", mapped.eventId()));
    }

    private byte[] readBody(Context ctx) {
        try {
            return BoundedBody.read(ctx, maxBodyBytes);
        } catch (ApiError e) {
            metrics.webhook(e.status() == HttpStatus.CONTENT_TOO_LARGE ? "too_large" : e.code());
            throw e;
        }
    }

    private Verification verify(byte[] body, String signatureHeader) {
        Span span = tracing.tracer().spanBuilder("verify signature").startSpan();
        try {
            return verifier.verify(body, signatureHeader);
        } catch (SignatureRejected e) {
            span.setStatus(StatusCode.ERROR, e.failure().code());
            metrics.signatureFailure(e.failure());
            log.info("refused webhook: {}", e.failure().code());
            throw new ApiError(HttpStatus.BAD_REQUEST, e.failure().code(), e.failure().message());
        } finally {
            span.end();
        }
    }

    /** Writes the dead letter; the answer is a 400 naming the reason, or a 503 when even that cannot be stored. */
    private ApiError deadLettered(WebhookDeadLetter deadLetter) {
        write(List.of(new ProducerRecord<>(Topics.WEBHOOKS_DLQ.name(), deadLetter.getBodySha256(), deadLetter)), Attributes.empty());
        metrics.webhook("dead_lettered");
        log.warn("verified webhook {} could not be mapped and went to {}: {}",
                deadLetter.getBodySha256(), Topics.WEBHOOKS_DLQ.name(), deadLetter.getReason());
        return new ApiError(HttpStatus.BAD_REQUEST, "unmappable_event", deadLetter.getReason());
    }

    /** Writes the records, their headers carrying the write's span: the processor's work on them continues the trace. */
    private void write(List<ProducerRecord<String, ? extends SpecificRecord>> records, Attributes ids) {
        long began = System.nanoTime();
        Span span = tracing.tracer().spanBuilder("write to kafka").setSpanKind(SpanKind.PRODUCER).startSpan();
        if (span.isRecording()) {
            // Built only for a sampled span: with tracing off this is every webhook's hot path.
            span.setAllAttributes(ids);
            span.setAttribute(Tracing.TOPIC, records.stream().map(ProducerRecord::topic).collect(Collectors.joining(",")));
        }
        Headers headers = tracing.headers(span);
        List<ProducerRecord<String, ? extends SpecificRecord>> traced = records.stream()
                .<ProducerRecord<String, ? extends SpecificRecord>>map(r -> new ProducerRecord<String, SpecificRecord>(
                        r.topic(), null, null, r.key(), r.value(), headers))
                .toList();
        try {
            writer.write(traced, kafkaTimeout);
            metrics.produced(Duration.ofNanos(System.nanoTime() - began));
        } catch (TransactionalEventWriter.WriteFailed e) {
            metrics.webhook("unavailable");
            log.warn("answering 503: {}", e.getMessage());
            span.setStatus(StatusCode.ERROR, "kafka_unavailable");
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "kafka_unavailable", "the event could not be stored; retry later");
        } finally {
            span.end();
        }
    }

    static String sha256(byte[] body) {
        return HexFormat.of().formatHex(Sha256.of(body));
    }

}
