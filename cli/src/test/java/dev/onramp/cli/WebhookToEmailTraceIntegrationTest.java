package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.testkit.DevStackExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One webhook, one trace: the three services in-process, each exporting its spans to one in-memory exporter (as a
 * collector would gather them), the trace context passing between them only in Kafka record headers.
 */
class WebhookToEmailTraceIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final String SECRET = "whsec_trace_secret_0123456789abcdef";
    private static final String API_KEY = "trace-test-platform-key-0123456789";
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final String EMAIL = "trace.recipient@example.com";

    @Test
    void aWebhookYieldsOneConnectedTraceEndingAtTheEmail() throws Exception {
        int smtpPort = FreePorts.pick();
        GreenMail greenMail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        Env config = servicesEnv(smtpPort);
        String sessionId = "cos_trace" + Long.toHexString(System.nanoTime());
        try (IngestService ingest = IngestService.start(IngestConfig.fromEnv(config), Clock.systemUTC(),
                     Tracing.exportingTo(spans, "ingest"));
             ProcessorService processor = ProcessorService.start(ProcessorConfig.fromEnv(config), Tracing.exportingTo(spans, "processor"));
             NotifierService notifier = NotifierService.start(NotifierConfig.fromEnv(config), Tracing.exportingTo(spans, "notifier"))) {
            processor.awaitRunning(Duration.ofSeconds(60));
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + ingest.port();
            HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions/" + sessionId + "/recipient"))
                    .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + EMAIL + "\",\"locale\":\"en\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).isEqualTo(204);

            long now = Instant.now().getEpochSecond();
            String body = OnrampEvents.sessionUpdated("evt_trace_1", sessionId, "fulfillment_complete", now);
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base + "/webhooks/stripe"))
                    .header("Stripe-Signature", WebhookSigner.header(SECRET, now, body))
                    .header("Content-Type", "application/json")
                    // The caller's trace (a gateway in front of ingest, say) is linked, not continued: the caller is
                    // not authenticated when the trace starts.
                    .header("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(200);

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> greenMail.getReceivedMessages().length == 1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> named(spans, "record send result").isPresent());
        } finally {
            greenMail.stop();
        }

        SpanData webhook = only(spans.getFinishedSpanItems(), "webhook");
        assertThat(webhook.getTraceId()).as("a trace of the pipeline's own").isNotEqualTo(CALLER_TRACE);
        assertThat(webhook.getParentSpanContext().isValid()).isFalse();
        assertThat(webhook.getLinks()).as("linked to the caller's span").singleElement().satisfies(link -> {
            assertThat(link.getSpanContext().getTraceId()).isEqualTo(CALLER_TRACE);
            assertThat(link.getSpanContext().getSpanId()).isEqualTo(CALLER_SPAN);
        });
        List<SpanData> trace = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(webhook.getTraceId())).toList();
        assertThat(webhook.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(webhook.getResource().getAttribute(AttributeKey.stringKey("service.name")))
                .isEqualTo("onramp-ingest");
        assertThat(webhook.getAttributes().get(Tracing.EVENT_ID)).isEqualTo("evt_trace_1");
        assertThat(webhook.getAttributes().get(Tracing.SESSION_ID)).isEqualTo(sessionId);
        assertThat(only(trace, "verify signature").getParentSpanId()).isEqualTo(webhook.getSpanId());
        SpanData write = only(trace, "write to kafka");
        assertThat(write.getParentSpanId()).isEqualTo(webhook.getSpanId());
        assertThat(write.getAttributes().get(Tracing.SESSION_ID)).isEqualTo(sessionId);
        assertThat(write.getAttributes().get(Tracing.EVENT_ID)).isEqualTo("evt_trace_1");
        assertThat(write.getAttributes().get(Tracing.TOPIC)).isEqualTo("onramp.webhooks.raw.v1,onramp.session-events.v1");

        // Across Kafka: ingest's write -> the processor's state change -> the outcome -> the notifier's decision
        // -> the sender's email -> the notifier recording the result.
        SpanData applied = only(trace, "apply session event");
        assertThat(applied.getParentSpanId()).isEqualTo(write.getSpanId());
        assertThat(applied.getAttributes().get(Tracing.EVENT_ID)).isEqualTo("evt_trace_1");
        assertThat(applied.getAttributes().get(Tracing.RESULT)).isEqualTo("applied");
        SpanData outcome = only(trace, "session outcome");
        assertThat(outcome.getParentSpanId()).isEqualTo(applied.getSpanId());
        assertThat(outcome.getAttributes().get(Tracing.RESULT)).isEqualTo("fulfilled");
        SpanData decided = only(trace, "notify of outcome");
        assertThat(decided.getParentSpanId()).isEqualTo(outcome.getSpanId());
        SpanData sent = only(trace, "send email");
        assertThat(sent.getParentSpanId()).isEqualTo(decided.getSpanId());
        assertThat(sent.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(sent.getAttributes().get(Tracing.RESULT)).isEqualTo("sent");
        assertThat(sent.getAttributes().get(Tracing.SESSION_ID)).isEqualTo(sessionId);
        assertThat(sent.getResource().getAttribute(AttributeKey.stringKey("service.name")))
                .isEqualTo("onramp-notifier");
        SpanData recorded = only(trace, "record send result");
        assertThat(recorded.getParentSpanId()).isEqualTo(sent.getSpanId());
        assertThat(recorded.getAttributes().get(Tracing.RESULT)).isEqualTo("sent");

        // Ids only: no address and no client secret in any span of any trace.
        for (SpanData span : spans.getFinishedSpanItems()) {
            span.getAttributes().forEach((key, value) -> assertThat(String.valueOf(value))
                    .as(span.getName() + " " + key).doesNotContain(EMAIL).doesNotContain("@")
                    .doesNotContain(OnrampEvents.clientSecretOf(sessionId)));
        }
    }

    private static Optional<SpanData> named(InMemorySpanExporter spans, String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst();
    }

    private static SpanData only(List<SpanData> trace, String name) {
        List<SpanData> named = trace.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named '%s' in the trace: %s", name, trace.stream().map(SpanData::getName).toList()).hasSize(1);
        return named.get(0);
    }

    private static Env servicesEnv(int smtpPort) throws Exception {
        return new Env(ServicesEnv.of(STACK, "trace", SECRET, API_KEY, smtpPort));
    }
}
