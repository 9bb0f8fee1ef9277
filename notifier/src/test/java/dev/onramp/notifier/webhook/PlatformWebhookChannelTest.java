package dev.onramp.notifier.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.notifier.deciding.Notification;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.schemas.OccurredAtSource;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.testkit.webhook.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outbound webhooks against a receiver that verifies them with the Standard Webhooks library. */
class PlatformWebhookChannelTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String NEXT_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private final WebhookReceiver receiver;

    PlatformWebhookChannelTest() throws Exception {
        receiver = new WebhookReceiver(SECRET);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void aSignedWebhookCarriesTheOutcomeAndTheNotificationIdAsItsId() {
        ProviderAnswer result = channel(List.of(SECRET), Duration.ofSeconds(5)).deliver(notification(receiver.url()));
        assertThat(result).isEqualTo(new ProviderAnswer.Sent("ntf_webhook1"));
        WebhookReceiver.Delivery delivery = receiver.delivered().get(0);
        assertThat(delivery.webhookId()).isEqualTo("ntf_webhook1");
        assertThat(delivery.body().path("type").asText()).isEqualTo("onramp.session.fulfilled");
        assertThat(delivery.body().path("data").path("session_id").asText()).isEqualTo("cos_HookTest0001");
        assertThat(delivery.body().path("data").path("destination_amount").isTextual()).isTrue();
        assertThat(delivery.body().path("data").path("destination_amount").asText()).isEqualTo("0.050000000000000000");
        assertThat(delivery.body().path("data").path("transaction_id").asText()).isEqualTo("0xabc123");
        assertThat(delivery.body().path("data").path("notification_id").asText()).isEqualTo("ntf_webhook1");
        assertThat(delivery.signatures()).startsWith("v1,");
    }

    @Test
    void duringARotationEverySecretSignsSoEitherVerifies() throws Exception {
        try (WebhookReceiver rotated = new WebhookReceiver(NEXT_SECRET)) {
            PlatformWebhookChannel both = channel(List.of(SECRET, NEXT_SECRET), Duration.ofSeconds(5));
            assertThat(both.deliver(notification(receiver.url()))).isInstanceOf(ProviderAnswer.Sent.class);
            assertThat(both.deliver(notification(rotated.url()))).isInstanceOf(ProviderAnswer.Sent.class);
            assertThat(rotated.delivered().get(0).signatures().split(" ")).hasSize(2);
        }
    }

    @Test
    void aWrongSecretIsRefusedByThePlatformAndRetried() {
        ProviderAnswer result = channel(List.of(NEXT_SECRET), Duration.ofSeconds(5)).deliver(notification(receiver.url()));
        assertThat(result).isInstanceOf(ProviderAnswer.Transient.class);
        assertThat(receiver.refused()).hasSize(1);
        assertThat(receiver.delivered()).isEmpty();
    }

    @Test
    void aStaleTimestampIsRefusedByThePlatformLikeAWrongSignature() {
        PlatformWebhookChannel late = new PlatformWebhookChannel(Optional.empty(), List.of(SECRET), Duration.ofSeconds(5),
                OutboundUrlPolicy.allowingPrivateNetworks(), Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC));
        assertThat(late.deliver(notification(receiver.url()))).isInstanceOf(ProviderAnswer.Transient.class);
        assertThat(receiver.refused()).hasSize(1);
        assertThat(receiver.delivered()).isEmpty();
    }

    @Test
    void goneRetryAfterAndSlowEndpointsAreSortedAsTheSpecSays() {
        PlatformWebhookChannel channel = channel(List.of(SECRET), Duration.ofMillis(500));
        receiver.answerNext(410, null);
        assertThat(channel.deliver(notification(receiver.url()))).isInstanceOf(ProviderAnswer.Gone.class);
        receiver.answerNext(500, "30");
        assertThat(channel.deliver(notification(receiver.url())))
                .isEqualTo(new ProviderAnswer.Transient("platform endpoint answered 500", Duration.ofSeconds(30)));
        receiver.answerNext(400, null);
        assertThat(channel.deliver(notification(receiver.url()))).isInstanceOf(ProviderAnswer.Transient.class);
        receiver.slowDown(Duration.ofSeconds(2));
        long began = System.nanoTime();
        ProviderAnswer slow = channel.deliver(notification(receiver.url()));
        assertThat(slow).isInstanceOf(ProviderAnswer.Transient.class);
        assertThat(((ProviderAnswer.Transient) slow).reason()).contains("did not answer within");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void theSessionsOwnUrlWinsAndOutsideDevLoopbackIsRefused() {
        PlatformWebhookChannel deployment = new PlatformWebhookChannel(Optional.of("https://platform.example.com/hooks"),
                List.of(SECRET), Duration.ofSeconds(1), OutboundUrlPolicy.publicOnly(), Clock.systemUTC());
        SessionRecipient nobody = SessionRecipient.newBuilder().setSessionId("cos_HookTest0001").setUpdatedAt(Instant.EPOCH).build();
        assertThat(deployment.address(nobody)).contains("https://platform.example.com/hooks");
        assertThat(deployment.address(SessionRecipient.newBuilder(nobody).setWebhookUrl("https://own.example.com/x").build()))
                .contains("https://own.example.com/x");
        assertThat(deployment.mask("https://own.example.com/x?token=secret")).isEqualTo("webhook:own.example.com");
        assertThat(deployment.deliver(notification(receiver.url()))).isInstanceOf(ProviderAnswer.Permanent.class);
        assertThat(receiver.delivered()).isEmpty();
    }

    private static PlatformWebhookChannel channel(List<String> secrets, Duration timeout) {
        return new PlatformWebhookChannel(Optional.empty(), secrets, timeout, OutboundUrlPolicy.allowingPrivateNetworks(),
                Clock.fixed(Instant.now(), ZoneOffset.UTC));
    }

    private static Notification notification(String url) {
        SessionOutcome outcome = SessionOutcome.newBuilder().setSessionId("cos_HookTest0001").setOutcome(OutcomeKind.FULFILLED)
                .setPreviousStatus(SessionStatus.FULFILLMENT_PROCESSING).setOccurredAt(Instant.now()).setDecidingEventId("evt_1")
                .setLivemode(false).setOccurredAtSource(OccurredAtSource.STRIPE_EVENT_CREATED)
                .setTransactionDetails(TransactionDetails.newBuilder().setDestinationAmount("0.050000000000000000")
                        .setDestinationCurrency("eth").setDestinationNetwork("ethereum").setTransactionId("0xabc123")
                        .setSourceAmount("150.00").setSourceCurrency("usd").build())
                .build();
        return new Notification("ntf_webhook1", outcome, url, "en");
    }
}
