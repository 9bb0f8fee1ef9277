package dev.onramp.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.Redrive;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookDeadLetter;
import dev.onramp.schemas.WebhookReplay;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.testkit.DevStackExtension;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A webhook redrive asked on the console is a command on {@code onramp.redrives.v1}; ingest, the one writer of the
 * webhook topics, carries it out exactly once: restarted, it does not write it again, and it passes over the
 * commands that are not its own.
 */
class WebhookRedriveIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    private static final String SESSION = "cos_RedriveByIngest00001";

    @Test
    void aRedriveIsCarriedOutOnceAcrossRestartsAndOnlyIfItAwaitsIngest() throws Exception {
        String body = OnrampEvents.sessionUpdated("evt_redriven_once", SESSION, "fulfillment_complete", Instant.now().getEpochSecond());
        String other = OnrampEvents.sessionUpdated("evt_console_wrote_it", SESSION, "requires_payment", Instant.now().getEpochSecond());
        Map<String, String> sameInstance = Map.of("INGEST_TRANSACTIONAL_ID", "redrive-test-ingest");
        try (IngestFixture ingest = new IngestFixture(STACK, sameInstance)) {
            String place = deadLetter(body, "sha-redriven-once");
            String legacyPlace = deadLetter(other, "sha-console-wrote-it");
            write(Topics.REDRIVES.name(), SESSION, command(legacyPlace, "evt_console_wrote_it", "sha-console-wrote-it", false));
            write(Topics.REDRIVES.name(), SESSION, command(place, "evt_redriven_once", "sha-does-not-match", true));
            write(Topics.REDRIVES.name(), SESSION, command(place, "evt_redriven_once", "sha-redriven-once", true));
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !events(ingest, "evt_redriven_once").isEmpty());
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ingest.admin("/metrics").body())
                    .contains("onramp_ingest_redrives_total{outcome=\"refused\"} 1.0")
                    .contains("onramp_ingest_redrives_total{outcome=\"written\"} 1.0"));
        }
        try (IngestFixture restarted = new IngestFixture(STACK, sameInstance)) {
            Awaitility.await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(events(restarted, "evt_redriven_once")).as("carried out once, not again after a restart").hasSize(1));
            List<RawWebhook> raw = restarted.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class).stream().map(ConsumerRecord::value)
                    .filter(r -> r.getEventId().equals("evt_redriven_once")).toList();
            assertThat(raw).singleElement().satisfies(r -> assertThat(r.getBodySha256()).isEqualTo("sha-redriven-once"));
            assertThat(events(restarted, "evt_console_wrote_it")).as("a redrive the console carried out itself").isEmpty();
        }
    }

    private static List<OnrampSessionEvent> events(IngestFixture ingest, String eventId) {
        return ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class).stream().map(ConsumerRecord::value)
                .filter(e -> e.getEventId().equals(eventId)).toList();
    }

    private static Redrive command(String place, String eventId, String bodySha256, boolean awaitsIngest) {
        return Redrive.newBuilder().setRedriveId(place).setSessionId(SESSION)
                .setSubject(WebhookReplay.newBuilder().setEventId(eventId).setBodySha256(bodySha256).build())
                .setRequestedBy("adm_0123abcd").setRequestedAt(Instant.now()).setAwaitsIngest(awaitsIngest).build();
    }

    /** A webhook as an older ingest dead-lettered it; its place, as the console names it. */
    private static String deadLetter(String body, String sha256) throws Exception {
        RecordMetadata written = write(Topics.WEBHOOKS_DLQ.name(), sha256, WebhookDeadLetter.newBuilder()
                .setReason("older mapping").setBody(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8))).setBodySha256(sha256)
                .setSignatureHeader("t=1,v1=…").setVerifiedBy("1:test").setReceivedAt(Instant.now()).build());
        return Topics.WEBHOOKS_DLQ.name() + "/" + written.partition() + "/" + written.offset();
    }

    private static RecordMetadata write(String topic, String key, SpecificRecord value) throws Exception {
        KafkaConnection connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        try (var producer = new KafkaProducer<String, SpecificRecord>(connection.clientConfig(), new StringSerializer(),
                new RegistryAvroSerializer<>(connection.registryClient()))) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }
}
