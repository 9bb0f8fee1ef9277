package dev.onramp.notifier.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.notifier.deciding.Notification;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.testkit.push.LocalPushService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Web Push against a push service that verifies the VAPID JWT and decrypts the message, as a real one does. */
class WebPushChannelTest {
    private static final VapidKeys.Generated KEYS = VapidKeys.generate();
    private static final Instant NOW = Instant.now();
    private static LocalPushService pushService;
    private final WebPushChannel channel = new WebPushChannel(VapidKeys.of(KEYS.publicKey(), KEYS.privateKey(), "mailto:ops@example.com"),
            Duration.ofSeconds(5), OutboundUrlPolicy.allowingPrivateNetworks(), Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeAll
    static void start() throws Exception {
        pushService = new LocalPushService(KEYS.publicKey());
    }

    @AfterAll
    static void stop() {
        pushService.close();
    }

    @Test
    void aMessageIsEncryptedForTheSubscriptionAndAuthorisedByVapid() {
        LocalPushService.Subscriber browser = pushService.subscribe();
        ProviderAnswer result = channel.deliver(notification(browser, OutcomeKind.FULFILLED, "es"));
        assertThat(result).isInstanceOf(ProviderAnswer.Sent.class);
        assertThat(pushService.refused(browser)).isEmpty();
        LocalPushService.Received message = pushService.received(browser).get(0);
        assertThat(message.payload().path("title").asText()).isEqualTo("Tu compra de criptomonedas se ha completado");
        assertThat(message.payload().path("body").asText()).isEqualTo("0.05 ETH va de camino a tu billetera en Ethereum.");
        assertThat(message.payload().path("session_id").asText()).isEqualTo("cos_PushTest0001");
        assertThat(message.payload().path("status").asText()).isEqualTo("fulfillment_complete");
        assertThat(message.payload().path("explorer_url").asText()).startsWith("https://");
        assertThat(message.urgency()).isEqualTo("normal");
        assertThat(Long.parseLong(message.ttl())).isBetween(Duration.ofHours(23).toSeconds(), Duration.ofDays(1).toSeconds());
        assertThat(message.topic()).hasSize(32).matches("[A-Za-z0-9_-]+");
        assertThat(((ProviderAnswer.Sent) result).providerMessageId()).startsWith(pushService.origin() + "/message/");
    }

    @Test
    void theSignedJwtsAreKeptForAFewPushServicesWhateverOriginsSubscriptionsName() {
        String first = channel.authorization("https://push.example.com/send/1");
        assertThat(channel.authorization("https://push.example.com/send/2")).as("one JWT per push service").isEqualTo(first);
        for (int i = 0; i < 1_000; i++) {
            channel.authorization("https://push-" + i + ".example.com/send/x");
        }
        assertThat(channel.pushServicesSigned()).isEqualTo(WebPushChannel.MAX_PUSH_SERVICES);
    }

    @Test
    void aRejectionIsUrgentAndInEnglishByDefault() {
        LocalPushService.Subscriber browser = pushService.subscribe();
        assertThat(channel.deliver(notification(browser, OutcomeKind.REJECTED, "en"))).isInstanceOf(ProviderAnswer.Sent.class);
        LocalPushService.Received message = pushService.received(browser).get(0);
        assertThat(message.urgency()).isEqualTo("high");
        assertThat(message.payload().path("title").asText()).isEqualTo("Your crypto purchase could not be completed");
        assertThat(message.payload().has("explorer_url")).isFalse();
    }

    @Test
    void aPushServiceRefusesAnotherServersVapidKey() {
        VapidKeys.Generated other = VapidKeys.generate();
        WebPushChannel stranger = new WebPushChannel(VapidKeys.of(other.publicKey(), other.privateKey(), "mailto:ops@example.com"),
                Duration.ofSeconds(5), OutboundUrlPolicy.allowingPrivateNetworks(), Clock.systemUTC());
        LocalPushService.Subscriber browser = pushService.subscribe();
        ProviderAnswer result = stranger.deliver(notification(browser, OutcomeKind.FULFILLED, "en"));
        assertThat(result).isInstanceOf(ProviderAnswer.Permanent.class);
        assertThat(((ProviderAnswer.Permanent) result).reason()).contains("403").contains("VAPID key");
        assertThat(pushService.received(browser)).isEmpty();
    }

    @Test
    void eachPushServiceAnswerIsSortedAsTheProtocolMeansIt() {
        LocalPushService.Subscriber browser = pushService.subscribe();
        pushService.answerNext(browser, 410, null);
        assertThat(channel.deliver(notification(browser, OutcomeKind.FULFILLED, "en"))).isInstanceOf(ProviderAnswer.Gone.class);
        pushService.answerNext(browser, 404, null);
        assertThat(channel.deliver(notification(browser, OutcomeKind.FULFILLED, "en"))).isInstanceOf(ProviderAnswer.Gone.class);
        pushService.answerNext(browser, 413, null);
        assertThat(channel.deliver(notification(browser, OutcomeKind.FULFILLED, "en"))).isInstanceOf(ProviderAnswer.Permanent.class);
        pushService.answerNext(browser, 429, "120");
        assertThat(channel.deliver(notification(browser, OutcomeKind.FULFILLED, "en")))
                .isEqualTo(new ProviderAnswer.Transient("push service answered 429", Duration.ofSeconds(120)));
        pushService.answerNext(browser, 503, null);
        assertThat(channel.deliver(notification(browser, OutcomeKind.FULFILLED, "en")))
                .isEqualTo(new ProviderAnswer.Transient("push service answered 503", Duration.ZERO));
    }

    @Test
    void outsideDevAnHttpOrPrivateEndpointIsRefusedBeforeAnyRequest() {
        WebPushChannel production = new WebPushChannel(VapidKeys.of(KEYS.publicKey(), KEYS.privateKey(), "mailto:ops@example.com"),
                Duration.ofSeconds(5), OutboundUrlPolicy.publicOnly(), Clock.systemUTC());
        LocalPushService.Subscriber browser = pushService.subscribe();
        assertThat(production.deliver(notification(browser, OutcomeKind.FULFILLED, "en"))).isInstanceOf(ProviderAnswer.Permanent.class);
        assertThat(pushService.requests(browser)).isZero();
    }

    @Test
    void theMaskNeverShowsTheWholeEndpointAndTheIdentityIsTheEndpoint() {
        LocalPushService.Subscriber browser = pushService.subscribe();
        String masked = channel.mask(browser.json());
        assertThat(masked).startsWith("push:127.0.0.1/…").doesNotContain("/push/");
        assertThat(channel.identity(browser.json())).isEqualTo(pushService.origin() + "/push/" + browser.id());
        assertThat(channel.deliver(new Notification("ntf_x", outcome(OutcomeKind.FULFILLED), "{\"endpoint\":1}", "en")))
                .isInstanceOf(ProviderAnswer.Permanent.class);
    }

    private static Notification notification(LocalPushService.Subscriber browser, OutcomeKind kind, String locale) {
        return new Notification("ntf_push", outcome(kind), browser.json(), locale);
    }

    private static SessionOutcome outcome(OutcomeKind kind) {
        return SessionOutcome.newBuilder().setSessionId("cos_PushTest0001").setOutcome(kind)
                .setPreviousStatus(SessionStatus.FULFILLMENT_PROCESSING).setOccurredAt(NOW).setDecidingEventId("evt_1")
                .setTransactionDetails(kind == OutcomeKind.REJECTED ? null : TransactionDetails.newBuilder()
                        .setDestinationAmount("0.05").setDestinationCurrency("eth").setDestinationNetwork("ethereum")
                        .setTransactionId("0xabc123").build())
                .build();
    }
}
