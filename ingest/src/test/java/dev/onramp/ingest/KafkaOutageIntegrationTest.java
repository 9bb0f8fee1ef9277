package dev.onramp.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.Topics;
import dev.onramp.testkit.DevStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kafka gone: ingest answers 503 so Stripe retries; Kafka back: the redelivery lands, exactly as Stripe would see it. */
class KafkaOutageIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    @Test
    void answers503WhileKafkaIsDownAndStoresTheRedeliveryOnceItIsBack() {
        try (IngestFixture ingest = new IngestFixture(STACK, Map.of("INGEST_KAFKA_TIMEOUT", "3s"))) {
            String session = "cos_OutageSession0001";
            long now = System.currentTimeMillis() / 1000;
            String body = OnrampEvents.sessionUpdated("evt_outage_1", session, "fulfillment_processing", now);
            assertThat(ingest.postWebhook(body).statusCode()).isEqualTo(200);

            STACK.broker().stop();
            long began = System.nanoTime();
            var duringOutage = ingest.postWebhook(OnrampEvents.sessionUpdated("evt_outage_2", session, "fulfillment_complete", now));
            assertThat(duringOutage.statusCode()).isEqualTo(503);
            assertThat(duringOutage.body()).contains("kafka_unavailable");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
            assertThat(ingest.admin("/health/ready").statusCode()).isEqualTo(503);

            STACK.broker().start();
            // Stripe redelivers the same event; ingest must store it now.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    ingest.postWebhook(OnrampEvents.sessionUpdated("evt_outage_2", session, "fulfillment_complete", now)).statusCode() == 200);

            var events = ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class);
            assertThat(events).extracting(r -> r.value().getEventId()).contains("evt_outage_1", "evt_outage_2");
            assertThat(events).extracting(r -> r.value().getEventId()).startsWith("evt_outage_1");
            // Both or neither: every stored session event has its raw webhook.
            var raw = ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class);
            assertThat(raw.stream().map(r -> r.value().getEventId()).toList())
                    .containsExactlyElementsOf(events.stream().map(r -> r.value().getEventId()).toList());
            assertThat(ingest.admin("/health/ready").statusCode()).isEqualTo(200);
        }
    }
}
