package dev.onramp.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookDeadLetter;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import dev.onramp.testkit.DevStackExtension;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 seeded hostile requests against a running ingest: no forged, altered, stale or garbled delivery is
 * accepted, nothing reaches a topic but what was validly signed, no 5xx (Kafka is up), and the process stays alive
 * with its heap where it was.
 */
@Tag("slow")
class IngestFuzzIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final String SECRET = "whsec_fuzz_current_0123456789";
    private static final String ROTATED = "whsec_fuzz_previous_9876543210";
    private static final String RUN = "evt_fuzz_20261126_";

    @Test
    void tenThousandHostileRequestsAcceptOnlyWhatWasValidlySigned() throws Exception {
        Env env = new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", STACK.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", STACK.registryUrl(),
                "STRIPE_WEBHOOK_SECRETS", SECRET + "," + ROTATED,
                "PLATFORM_API_KEY", "fuzz-platform-key-0123456789",
                "INGEST_HOST", "127.0.0.1",
                "INGEST_PORT", "0",
                "INGEST_ADMIN_PORT", "0",
                "INGEST_TRANSACTIONAL_ID", "ingest-fuzz"));
        try (IngestService ingest = IngestService.start(IngestConfig.fromEnv(env))) {
            new HostileRequests(ingest.port(), SECRET, ROTATED).run(300, 1, 8);  // warm-up, so the heap is measured warm
            long heapBefore = heapAfterGc();
            HostileRequests.Report report = new HostileRequests(ingest.port(), SECRET, ROTATED).run(10_000, 20261126L, 16);
            System.out.println(report.summary());

            assertThat(report.acceptedForbiddenEventIds()).as("forged, altered, stale or garbled deliveries accepted").isEmpty();
            report.answers().forEach((kind, byStatus) -> assertThat(byStatus.keySet()).as(kind.name())
                    .allSatisfy(status -> assertThat(status).isLessThan(500)));
            for (HostileRequests.Kind valid : new HostileRequests.Kind[] {HostileRequests.Kind.VALID, HostileRequests.Kind.VALID_ROTATED_SECRET}) {
                assertThat(report.answers().get(valid)).as(valid.name()).containsOnlyKeys(200);
            }
            HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ingest.adminPort() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(heapAfterGc() - heapBefore).as("heap growth").isLessThan(64L * 1024 * 1024);

            SchemaRegistryClient registry = new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5));
            // A 2xx follows the commit; the last transactions' markers may reach read_committed readers a moment later.
            int accepted = report.acceptedSignedEventIds().size();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> rawIds(registry).size() >= accepted && eventIds(registry).size() >= accepted);
            Set<String> raw = rawIds(registry);
            Set<String> events = eventIds(registry);
            assertThat(raw).isEqualTo(report.acceptedSignedEventIds());
            assertThat(events).isEqualTo(report.acceptedSignedEventIds());
            long signedGarbage = report.answers().getOrDefault(HostileRequests.Kind.SIGNED_GARBAGE, Map.of()).values()
                    .stream().mapToLong(Long::longValue).sum();
            assertThat(TopicReader.readAll(STACK.bootstrapServers(), Topics.WEBHOOKS_DLQ.name(), new StringDeserializer(),
                    new RegistryAvroDeserializer<>(WebhookDeadLetter.class, registry)))
                    .as("dead letters come only from validly signed garbage").hasSizeLessThanOrEqualTo((int) signedGarbage + 300);
        }
    }

    private static Set<String> rawIds(SchemaRegistryClient registry) {
        return TopicReader.readAll(STACK.bootstrapServers(), Topics.WEBHOOKS_RAW.name(), new StringDeserializer(),
                        new RegistryAvroDeserializer<>(RawWebhook.class, registry)).stream()
                .map(r -> r.value().getEventId()).filter(id -> id.startsWith(RUN)).collect(Collectors.toSet());
    }

    private static Set<String> eventIds(SchemaRegistryClient registry) {
        return TopicReader.readAll(STACK.bootstrapServers(), Topics.SESSION_EVENTS.name(), new StringDeserializer(),
                        new RegistryAvroDeserializer<>(OnrampSessionEvent.class, registry)).stream()
                .map(r -> r.value().getEventId()).filter(id -> id.startsWith(RUN)).collect(Collectors.toSet());
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
