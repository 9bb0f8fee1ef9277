package dev.onramp.ingest.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.onramp.ingest.IngestMetrics;
import dev.onramp.ingest.mint.StripeOnramp;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.runtime.HealthCheck;
import dev.onramp.schemas.AlertKind;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
    @Test
    void lookupsThatKeepFailingMakeHealthSayDegradedWithTheReason() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // Nothing listens on port 1: every lookup fails at once.
        Reconciler reconciler = new Reconciler(new StripeOnramp("http://127.0.0.1:1", "sk_test_unreachable", Duration.ofMillis(200)),
                null, new WebhookMapper(), new IngestMetrics(meters), Duration.ofSeconds(1), 1000, Clock.systemUTC());
        HealthCheck health = reconciler.health(Duration.ZERO);
        health.check();

        SessionAlert alert = SessionAlert.newBuilder().setSessionId("cos_ReconcilerTest0001").setKind(AlertKind.QUIET)
                .setStatus(SessionStatus.REQUIRES_PAYMENT).setStatusSince(Instant.EPOCH).setDetectedAt(Instant.EPOCH).setSequence(1).build();
        assertThat(reconciler.reconcile(alert)).isFalse();
        assertThatThrownBy(health::check).isInstanceOf(HealthCheck.Degraded.class).hasMessageContaining("Stripe did not answer");
        assertThat(reconciler.health(Duration.ofHours(1))).satisfies(h -> h.check());
        assertThat(meters.counter("onramp.ingest.reconciliations", "outcome", "failed").count()).isEqualTo(1);
    }
}
