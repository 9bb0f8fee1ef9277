package dev.onramp.runtime.tracing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A service's tracer, and the W3C trace context carried between services: in HTTP request headers coming in, and in
 * Kafka record headers ({@code traceparent}, {@code tracestate}) from ingest through the processor and the notifier
 * to the send. Off (a no-op tracer, nothing exported, headers still passed on) unless an OTLP endpoint is set.
 *
 * <p>Span attributes name sessions, events and notifications by id, never an address or a secret.
 */
public final class Tracing implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tracing.class);
    public static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("onramp.session_id");
    public static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("onramp.event_id");
    public static final AttributeKey<String> NOTIFICATION_ID = AttributeKey.stringKey("onramp.notification_id");
    public static final AttributeKey<String> CHANNEL = AttributeKey.stringKey("onramp.channel");
    public static final AttributeKey<String> RESULT = AttributeKey.stringKey("onramp.result");
    public static final AttributeKey<String> TOPIC = AttributeKey.stringKey("messaging.destination.name");

    private static final String TRACE_ID_KEY = "trace_id";
    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Headers> KAFKA_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final AutoCloseable sdk;

    private Tracing(OpenTelemetry openTelemetry, AutoCloseable sdk, String service) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("dev.onramp." + service);
        this.sdk = sdk;
    }

    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop(), () -> { }, "off");
    }

    /** The SDK configured by OpenTelemetry's autoconfiguration from {@code export}, or off when it names no endpoint. */
    public static Tracing start(TraceExport export, String service) {
        if (!export.on()) {
            return off();
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", "onramp-" + service,
                        "otel.traces.exporter", "otlp",
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        // Traces only: metrics are Prometheus's (/metrics), logs go to stdout.
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .addPropertiesSupplier(export::asProperties)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        log.info("{}: exporting traces to {}", service, export);
        return new Tracing(sdk, sdk, service);
    }

    /** Every span ended goes to {@code exporter} as it ends (tests, with an in-memory exporter). */
    public static Tracing exportingTo(SpanExporter exporter, String service) {
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .setResource(Resource.getDefault().merge(Resource.create(
                                Attributes.of(AttributeKey.stringKey("service.name"), "onramp-" + service))))
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .build();
        return new Tracing(sdk, () -> sdk.getSdkTracerProvider().forceFlush(), service);
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The context a Kafka record carries, or the root context when it carries none. */
    public Context from(Headers headers) {
        return W3C.extract(Context.root(), headers, KAFKA_HEADERS);
    }

    /** The context an HTTP request carries ({@code traceparent}), or the root context. */
    public Context fromRequest(Function<String, String> header) {
        return W3C.extract(Context.root(), header, new TextMapGetter<>() {
            @Override
            public Iterable<String> keys(Function<String, String> carrier) {
                return W3C.fields();
            }

            @Override
            public String get(Function<String, String> carrier, String key) {
                return carrier == null ? null : carrier.apply(key);
            }
        });
    }

    /** Headers for a record written in {@code context}: its trace context and nothing else. */
    public Headers headers(Context context) {
        Headers headers = new RecordHeaders();
        W3C.inject(context, headers, (carrier, key, value) -> carrier.add(key, value.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    /** Headers for a record written within {@code span}. */
    public Headers headers(Span span) {
        return headers(Context.root().with(span));
    }

    /**
     * Puts the span's trace id in the logging MDC ({@code trace_id}, which {@code LOG_FORMAT=json} prints) until
     * closed, so a log line leads to its trace; nothing when the span is not sampled or tracing is off.
     */
    public static InLogs inLogs(Span span) {
        SpanContext context = span.getSpanContext();
        if (!context.isValid()) {
            return () -> { };
        }
        MDC.put(TRACE_ID_KEY, context.getTraceId());
        return () -> MDC.remove(TRACE_ID_KEY);
    }

    /** What {@link #inLogs(Span)} put in the MDC; closing takes it out. */
    public interface InLogs extends AutoCloseable {
        @Override
        void close();
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    @Override
    public void close() throws Exception {
        sdk.close();
    }
}
