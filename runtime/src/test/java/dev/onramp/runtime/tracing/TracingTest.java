package dev.onramp.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.onramp.runtime.Env;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TracingTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void isOffWithoutAnEndpointAndNeverPrintsTheExportHeaders() {
        assertThat(TraceExport.fromEnv(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "x:9092"))).on()).isFalse();
        TraceExport export = TraceExport.fromEnv(new Env(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318",
                "OTEL_EXPORTER_OTLP_HEADERS", "api-key=do_not_print_me")));
        assertThat(export.on()).isTrue();
        assertThat(export.toString()).isEqualTo("otlp https://collector:4318").doesNotContain("do_not_print_me");
        assertThat(export.asProperties()).containsEntry("otel.exporter.otlp.headers", "api-key=do_not_print_me");
    }

    @Test
    void aRecordWrittenInASpanCarriesItsContextToTheNextService() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (Tracing ingest = Tracing.exportingTo(spans, "ingest"); Tracing processor = Tracing.exportingTo(spans, "processor")) {
            Span request = ingest.tracer().spanBuilder("webhook").setParent(ingest.fromRequest(Map.of("traceparent", TRACEPARENT)::get))
                    .startSpan();
            Headers headers = ingest.headers(request);
            request.end();
            assertThat(headers.toArray()).extracting(h -> h.key()).containsExactly("traceparent");

            Span applied = processor.tracer().spanBuilder("apply").setParent(processor.from(headers)).startSpan();
            applied.end();
            SpanContext context = applied.getSpanContext();
            assertThat(context.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(spans.getFinishedSpanItems()).extracting(s -> s.getName() + "<-" + s.getParentSpanId())
                    .containsExactly("webhook<-00f067aa0ba902b7", "apply<-" + request.getSpanContext().getSpanId());
        }
    }

    @Test
    void offStillPassesTheCallersContextOn() throws Exception {
        try (Tracing off = Tracing.off()) {
            Span span = off.tracer().spanBuilder("webhook").setParent(off.fromRequest(Map.of("traceparent", TRACEPARENT)::get)).startSpan();
            Headers headers = off.headers(span);
            assertThat(new String(headers.lastHeader("traceparent").value(), StandardCharsets.UTF_8)).isEqualTo(TRACEPARENT);
            assertThat(off.headers(off.tracer().spanBuilder("root").startSpan()).toArray()).isEmpty();
            assertThat(off.from(new RecordHeaders()).toString()).isNotNull();
        }
    }

    @Test
    void aLogLineWrittenInASpanNamesItsTrace() throws Exception {
        try (Tracing tracing = Tracing.exportingTo(InMemorySpanExporter.create(), "processor")) {
            Span span = tracing.tracer().spanBuilder("apply").setParent(tracing.fromRequest(Map.of("traceparent", TRACEPARENT)::get))
                    .startSpan();
            try (Tracing.InLogs logged = Tracing.inLogs(span)) {
                assertThat(MDC.get("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            }
            assertThat(MDC.get("trace_id")).isNull();
            try (Tracing.InLogs logged = Tracing.inLogs(Span.getInvalid())) {
                assertThat(MDC.get("trace_id")).isNull();
            }
        }
    }

    /** The real exporter (OTLP over HTTP with the JDK's client) against a local endpoint standing in for a collector. */
    @Test
    void exportsSpansOverOtlpWhenAnEndpointIsSet() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            exchange.getRequestBody().transferTo(body);
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + exchange.getRequestHeaders().getFirst("api-key") + " " + body.toString(StandardCharsets.ISO_8859_1));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            TraceExport export = TraceExport.fromEnv(new Env(Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                    "OTEL_EXPORTER_OTLP_HEADERS", "api-key=collector-key")));
            try (Tracing tracing = Tracing.start(export, "ingest")) {
                tracing.tracer().spanBuilder("verify signature").startSpan().end();
            }
            assertThat(received).hasSize(1);
            assertThat(received.get(0)).startsWith("POST /v1/traces application/x-protobuf collector-key ")
                    .contains("verify signature").contains("onramp-ingest");
        } finally {
            collector.stop(0);
        }
    }
}
