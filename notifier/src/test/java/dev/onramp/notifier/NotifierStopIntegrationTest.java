package dev.onramp.notifier;

import static dev.onramp.notifier.NotifierFixture.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notifier stopped cleanly (SIGTERM, as a rolling restart does) in the middle of a sending batch, then a
 * successor with the same instance id: nothing is left unsent or unrecorded on any channel. A broker of its own: the
 * intents topic is shared by every notifier on a cluster.
 */
@Tag("slow")
class NotifierStopIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    /**
     * Stopped cleanly (SIGTERM) while a rate limit holds most of a batch waiting for its turn: what it did not send
     * is left uncommitted and the successor sends it, on every channel; nothing is sent twice with two identities.
     */
    @Test
    void aNotifierStoppedMidBatchLeavesItsUnsentIntentsToItsSuccessor() throws Exception {
        int sessions = 60;
        VapidKeys.Generated vapid = VapidKeys.generate();
        try (NotifierFixture fixture = new NotifierFixture(STACK); LocalPushService pushService = new LocalPushService(vapid.publicKey())) {
            Map<String, LocalPushService.Subscriber> browsers = new HashMap<>();
            for (int i = 0; i < sessions; i++) {
                String session = String.format("cos_NotifyStopped%07d", i);
                LocalPushService.Subscriber browser = pushService.subscribe();
                browsers.put(session, browser);
                fixture.recipient(SessionRecipient.newBuilder().setSessionId(session).setEmail("stopped" + i + "@example.com")
                        .setPushSubscription(browser.json()).setLocale("en").setUpdatedAt(Instant.now()).build());
                fixture.send(outcome(session, OutcomeKind.FULFILLED));
            }
            // Ten sends a second per channel: a batch of 16 intents takes over a second, and the stop lands inside one.
            Map<String, String> env = fixture.env(Map.of("NOTIFIER_SEND_RATE", "10", "SMTP_CONNECTIONS", "4", "PUSH_CONNECTIONS", "4",
                    "VAPID_PUBLIC_KEY", vapid.publicKey(), "VAPID_PRIVATE_KEY", vapid.privateKey(), "OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true",
                    "NOTIFIER_INSTANCE_ID", "stopped-notifier"));
            try (NotifierService first = NotifierService.start(NotifierConfig.fromEnv(new Env(env)))) {
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10))
                        .until(() -> pushService.received().size() >= 10);
            }
            int atStop = pushService.received().size();
            assertThat(atStop).as("stopped while sending").isLessThan(sessions);

            Map<String, String> successorEnv = new HashMap<>(env);
            successorEnv.put("NOTIFIER_STATE_DIR", Files.createTempDirectory("successor").toString());
            try (NotifierService successor = NotifierService.start(NotifierConfig.fromEnv(new Env(successorEnv)))) {
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                        browsers.values().stream().allMatch(b -> !pushService.received(b).isEmpty())
                                && NotifierFixture.messageIds(Arrays.asList(fixture.greenMail.getReceivedMessages())).size() == sessions);
                fixture.awaitCaughtUp();
            }
            Map<Channel, Map<String, List<NotificationRecord>>> sent = fixture.notifications().stream()
                    .filter(n -> n.getStatus() == DeliveryStatus.SENT && n.getSessionId().startsWith("cos_NotifyStopped"))
                    .collect(Collectors.groupingBy(NotificationRecord::getChannel, Collectors.groupingBy(NotificationRecord::getSessionId)));
            assertThat(sent.get(Channel.PUSH)).as("a SENT record for every push").hasSize(sessions);
            assertThat(sent.get(Channel.EMAIL)).as("a SENT record for every email").hasSize(sessions);
            for (LocalPushService.Subscriber browser : browsers.values()) {
                assertThat(pushService.received(browser).stream().map(LocalPushService.Received::topic).distinct())
                        .as("every copy of a push has one Topic").hasSize(1);
            }
        }
    }
}
