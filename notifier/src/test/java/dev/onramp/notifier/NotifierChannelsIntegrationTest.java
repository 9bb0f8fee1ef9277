package dev.onramp.notifier;

import static dev.onramp.notifier.NotifierFixture.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.onramp.notifier.deciding.NotificationIds;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.ChannelSuppression;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SuppressionReason;
import dev.onramp.schemas.Topics;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.push.LocalPushService;
import dev.onramp.testkit.webhook.WebhookReceiver;
import jakarta.mail.internet.MimeMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Email, Web Push and the platform's webhook from one outcome, against GreenMail, a push service that verifies VAPID
 * and decrypts, and a receiver that verifies Standard Webhooks signatures: one message per channel, each channel's
 * failures its own.
 */
class NotifierChannelsIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    private static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final VapidKeys.Generated VAPID = VapidKeys.generate();

    private static NotifierFixture fixture;
    private static LocalPushService pushService;
    private static WebhookReceiver platform;
    private static NotifierService notifier;

    @BeforeAll
    static void start() throws Exception {
        fixture = new NotifierFixture(STACK);
        pushService = new LocalPushService(VAPID.publicKey());
        platform = new WebhookReceiver(WEBHOOK_SECRET);
        Map<String, String> env = new HashMap<>(Map.of(
                "VAPID_PUBLIC_KEY", VAPID.publicKey(), "VAPID_PRIVATE_KEY", VAPID.privateKey(), "VAPID_SUBJECT", "mailto:ops@example.com",
                "PLATFORM_WEBHOOK_URL", platform.url(), "PLATFORM_WEBHOOK_SECRETS", WEBHOOK_SECRET, "WEBHOOK_TIMEOUT", "3s",
                "OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true", "RETRY_INITIAL_DELAY", "1s", "RETRY_MAX_DELAY", "2s"));
        env.put("UNSUBSCRIBE_BASE_URL", "https://onramp.example.com");
        env.put("UNSUBSCRIBE_SECRETS", "unsubscribe-secret-for-tests-0123");
        notifier = fixture.startNotifier(env);
    }

    @AfterAll
    static void stop() {
        notifier.close();
        pushService.close();
        platform.close();
        fixture.close();
    }

    @Test
    void everyChannelGetsOneMessageAndASlowPlatformEndpointDoesNotHoldBackEmailOrPush() {
        int sessions = 16;
        platform.slowDown(Duration.ofMillis(1_500));
        Map<String, LocalPushService.Subscriber> browsers = new HashMap<>();
        try {
            for (int i = 0; i < sessions; i++) {
                String session = String.format("cos_Channels%08d", i);
                LocalPushService.Subscriber browser = pushService.subscribe();
                browsers.put(session, browser);
                fixture.recipient(SessionRecipient.newBuilder().setSessionId(session).setEmail("buyer" + i + "@example.com")
                        .setPushSubscription(browser.json()).setLocale(i % 2 == 0 ? "en" : "es").setUpdatedAt(Instant.now()).build());
                fixture.send(outcome(session, i % 4 == 0 ? OutcomeKind.REJECTED : OutcomeKind.FULFILLED));
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                    fixture.greenMail.getReceivedMessages().length >= sessions && pushService.received().size() >= sessions);
            assertThat(platform.delivered().size()).as("webhooks are still trickling in, four at a time, 1.5 s each")
                    .isLessThan(sessions);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> platform.delivered().size() >= sessions);
        } finally {
            platform.slowDown(Duration.ZERO);
        }
        fixture.awaitCaughtUp();

        for (Map.Entry<String, LocalPushService.Subscriber> entry : browsers.entrySet()) {
            List<LocalPushService.Received> pushes = pushService.received(entry.getValue());
            assertThat(pushes).hasSize(1);
            assertThat(pushes.get(0).payload().path("session_id").asText()).isEqualTo(entry.getKey());
        }
        assertThat(pushService.refused()).isEmpty();
        Set<String> webhookIds = platform.delivered().stream().map(WebhookReceiver.Delivery::webhookId).collect(Collectors.toSet());
        assertThat(webhookIds).hasSize(sessions).allMatch(id -> id.startsWith("ntf_"));
        assertThat(platform.refused()).isEmpty();
        MimeMessage email = fixture.messagesTo("buyer1@example.com").get(0);
        assertThat(header(email, "List-Unsubscribe")).startsWith("<https://onramp.example.com/unsubscribe?t=").doesNotContain("buyer1");
        assertThat(header(email, "List-Unsubscribe-Post")).isEqualTo("List-Unsubscribe=One-Click");

        Map<Channel, Long> sent = fixture.notifications().stream().filter(n -> n.getSessionId().startsWith("cos_Channels"))
                .filter(n -> n.getStatus() == DeliveryStatus.SENT)
                .collect(Collectors.groupingBy(NotificationRecord::getChannel, Collectors.counting()));
        assertThat(sent).containsEntry(Channel.EMAIL, (long) sessions).containsEntry(Channel.PUSH, (long) sessions)
                .containsEntry(Channel.WEBHOOK, (long) sessions);
        assertThat(fixture.notifications()).noneMatch(n -> n.getRecipientMasked().contains("/push/"));
    }

    @Test
    void aGonePushSubscriptionIsNeverUsedAgainAndARetryAfterIsHonoured() {
        LocalPushService.Subscriber browser = pushService.subscribe();
        pushService.answerNext(browser, 410, null);
        String first = "cos_GoneFirst0000001";
        fixture.recipient(SessionRecipient.newBuilder().setSessionId(first).setPushSubscription(browser.json()).setLocale("en")
                .setUpdatedAt(Instant.now()).build());
        platform.answerNext(503, "2");
        fixture.send(outcome(first, OutcomeKind.FULFILLED));
        String pushId = NotificationIds.of(first, OutcomeKind.FULFILLED, Channel.PUSH);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.notifications().stream()
                .anyMatch(n -> n.getNotificationId().equals(pushId) && n.getStatus() == DeliveryStatus.FAILED));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                fixture.read(Topics.SUPPRESSIONS.name(), ChannelSuppression.class).size() == 1);
        ChannelSuppression gone = fixture.read(Topics.SUPPRESSIONS.name(), ChannelSuppression.class).get(0).value();
        assertThat(gone.getReason()).isEqualTo(SuppressionReason.GONE);
        assertThat(gone.getChannel()).isEqualTo(Channel.PUSH);

        String webhookId = NotificationIds.of(first, OutcomeKind.FULFILLED, Channel.WEBHOOK);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.notifications().stream()
                .anyMatch(n -> n.getNotificationId().equals(webhookId) && n.getStatus() == DeliveryStatus.SENT));
        assertThat(platform.delivered().stream().filter(d -> d.webhookId().equals(webhookId))).hasSize(1);
        List<NotificationRecord> webhookTrail = fixture.notifications().stream().filter(n -> n.getNotificationId().equals(webhookId)).toList();
        assertThat(webhookTrail).extracting(NotificationRecord::getStatus).containsExactly(DeliveryStatus.RETRYING, DeliveryStatus.SENT);
        assertThat(Duration.between(webhookTrail.get(0).getAt(), webhookTrail.get(0).getNextAttemptAt()))
                .as("the endpoint asked for 2 s; the schedule alone would say 1 s").isGreaterThanOrEqualTo(Duration.ofMillis(1_900));

        String second = "cos_GoneSecond000001";
        fixture.recipient(SessionRecipient.newBuilder().setSessionId(second).setPushSubscription(browser.json()).setLocale("en")
                .setUpdatedAt(Instant.now()).build());
        fixture.send(outcome(second, OutcomeKind.FULFILLED));
        String secondPush = NotificationIds.of(second, OutcomeKind.FULFILLED, Channel.PUSH);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.notifications().stream()
                .anyMatch(n -> n.getNotificationId().equals(secondPush)));
        NotificationRecord suppressed = fixture.notifications().stream().filter(n -> n.getNotificationId().equals(secondPush))
                .findFirst().orElseThrow();
        assertThat(suppressed.getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED);
        assertThat(pushService.requests(browser)).as("the gone subscription was asked once, never again").isEqualTo(1);
        assertThat(fixture.deadLetters()).as("a gone address is nothing an operator can fix").isEmpty();
    }

    private static String header(MimeMessage message, String name) {
        try {
            return message.getHeader(name, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
