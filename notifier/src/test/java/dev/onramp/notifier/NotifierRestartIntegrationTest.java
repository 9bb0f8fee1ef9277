package dev.onramp.notifier;

import static dev.onramp.notifier.NotifierFixture.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.runtime.Env;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.push.LocalPushService;
import dev.onramp.testkit.webhook.WebhookReceiver;
import jakarta.mail.internet.MimeMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier killed (SIGKILL, in its own JVM) while it is sending on all three channels, then started again: no
 * message is missing on any channel, and any repeat is a message whose send was not yet recorded, carrying the same
 * identity as the first copy (Message-ID, webhook-id, push Topic).
 */
@Tag("slow")
class NotifierRestartIntegrationTest {
    private static final Logger log = LoggerFactory.getLogger(NotifierRestartIntegrationTest.class);

    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    private static final int SESSIONS = 150;
    private static final int CONNECTIONS = 4;
    private static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void aKilledNotifierLosesNothingAndRepeatsOnlyWithTheSameMessageId() throws Exception {
        VapidKeys.Generated vapid = VapidKeys.generate();
        try (NotifierFixture fixture = new NotifierFixture(STACK); LocalPushService pushService = new LocalPushService(vapid.publicKey());
             WebhookReceiver platform = new WebhookReceiver(WEBHOOK_SECRET)) {
            Map<String, LocalPushService.Subscriber> browsers = new HashMap<>();
            for (int i = 0; i < SESSIONS; i++) {
                String session = String.format("cos_NotifyRestart%07d", i);
                LocalPushService.Subscriber browser = pushService.subscribe();
                browsers.put(session, browser);
                fixture.recipient(SessionRecipient.newBuilder().setSessionId(session).setEmail("buyer" + i + "@example.com")
                        .setPushSubscription(browser.json()).setLocale(i % 2 == 0 ? "en" : "es").setUpdatedAt(Instant.now()).build());
                fixture.send(outcome(session, i % 5 == 0 ? OutcomeKind.REJECTED : OutcomeKind.FULFILLED));
            }
            Map<String, String> env = fixture.env(Map.of("KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000", "SMTP_CONNECTIONS", String.valueOf(CONNECTIONS),
                    "PUSH_CONNECTIONS", String.valueOf(CONNECTIONS), "WEBHOOK_CONNECTIONS", String.valueOf(CONNECTIONS),
                    "VAPID_PUBLIC_KEY", vapid.publicKey(), "VAPID_PRIVATE_KEY", vapid.privateKey(),
                    "PLATFORM_WEBHOOK_URL", platform.url(), "PLATFORM_WEBHOOK_SECRETS", WEBHOOK_SECRET,
                    "OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true"));
            Process doomed = startChild(env);
            try {
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10))
                        .until(() -> fixture.greenMail.getReceivedMessages().length >= 30 || !doomed.isAlive());
                assertThat(doomed.isAlive()).isTrue();
            } finally {
                doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            int atKill = fixture.greenMail.getReceivedMessages().length;
            assertThat(atKill).as("killed while sending").isLessThan(SESSIONS);

            Map<String, String> successorEnv = new HashMap<>(env);
            successorEnv.put("NOTIFIER_STATE_DIR", Files.createTempDirectory("successor").toString());
            try (NotifierService successor = NotifierService.start(NotifierConfig.fromEnv(new Env(successorEnv)))) {
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                        NotifierFixture.messageIds(Arrays.asList(fixture.greenMail.getReceivedMessages())).size() == SESSIONS
                                && browsers.values().stream().allMatch(b -> !pushService.received(b).isEmpty())
                                && platform.delivered().stream().map(WebhookReceiver.Delivery::webhookId).distinct().count() == SESSIONS);
                fixture.awaitCaughtUp();
            }

            List<MimeMessage> received = Arrays.asList(fixture.greenMail.getReceivedMessages());
            for (int i = 0; i < SESSIONS; i++) {
                List<MimeMessage> mine = fixture.messagesTo("buyer" + i + "@example.com");
                assertThat(mine).as("buyer %d", i).isNotEmpty();
                assertThat(NotifierFixture.messageIds(mine)).as("every copy has one Message-ID").hasSize(1);
            }
            int repeats = received.size() - SESSIONS;
            log.info("restart test: {} messages at kill, {} received in all, {} repeated inside the crash window",
                    atKill, received.size(), repeats);
            assertThat(repeats).as("repeats are bounded by the sends in flight at the kill: one per SMTP connection")
                    .isLessThanOrEqualTo(CONNECTIONS);

            int pushes = pushService.received().size();
            for (LocalPushService.Subscriber browser : browsers.values()) {
                assertThat(pushService.received(browser).stream().map(LocalPushService.Received::topic).distinct())
                        .as("every copy of a push has one Topic").hasSize(1);
            }
            int webhooks = platform.delivered().size();
            log.info("restart test: {} pushes and {} webhooks for {} sessions", pushes, webhooks, SESSIONS);
            assertThat(pushes - SESSIONS).as("push repeats: one per push connection at most").isBetween(0, CONNECTIONS);
            assertThat(webhooks - SESSIONS).as("webhook repeats (same webhook-id): one per connection at most").isBetween(0, CONNECTIONS);

            Map<Channel, Map<String, List<NotificationRecord>>> sent = fixture.notifications().stream()
                    .filter(n -> n.getStatus() == DeliveryStatus.SENT)
                    .collect(Collectors.groupingBy(NotificationRecord::getChannel, Collectors.groupingBy(NotificationRecord::getSessionId)));
            assertThat(sent.keySet()).containsExactlyInAnyOrder(Channel.EMAIL, Channel.PUSH, Channel.WEBHOOK);
            for (Map<String, List<NotificationRecord>> perSession : sent.values()) {
                assertThat(perSession).hasSize(SESSIONS);
                assertThat(perSession.values()).allMatch(list -> list.size() == 1);
            }
            Set<String> ids = sent.get(Channel.EMAIL).values().stream().map(l -> "<" + l.get(0).getNotificationId() + "@onramp.local>")
                    .collect(Collectors.toSet());
            assertThat(NotifierFixture.messageIds(received)).isEqualTo(ids);
            Set<String> webhookIds = sent.get(Channel.WEBHOOK).values().stream().map(l -> l.get(0).getNotificationId())
                    .collect(Collectors.toSet());
            assertThat(platform.delivered().stream().map(WebhookReceiver.Delivery::webhookId).collect(Collectors.toSet())).isEqualTo(webhookIds);
        }
    }

    private static Process startChild(Map<String, String> env) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, NotifierMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("doomed-notifier", ".log").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }
}
