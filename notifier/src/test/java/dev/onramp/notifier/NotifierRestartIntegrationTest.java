package dev.onramp.notifier;

import static dev.onramp.notifier.NotifierFixture.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.onramp.runtime.Env;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.testkit.DevStackExtension;
import jakarta.mail.internet.MimeMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier killed (SIGKILL, in its own JVM) while it is sending, then started again: no message is missing,
 * and any repeat is a message whose send was not yet recorded, carrying the same Message-ID as the first copy.
 */
class NotifierRestartIntegrationTest {
    private static final Logger log = LoggerFactory.getLogger(NotifierRestartIntegrationTest.class);

    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    private static final int SESSIONS = 150;
    private static final int CONNECTIONS = 4;

    @Test
    void aKilledNotifierLosesNothingAndRepeatsOnlyWithTheSameMessageId() throws Exception {
        try (NotifierFixture fixture = new NotifierFixture(STACK)) {
            for (int i = 0; i < SESSIONS; i++) {
                String session = String.format("cos_NotifyRestart%07d", i);
                fixture.recipient(session, "buyer" + i + "@example.com", i % 2 == 0 ? "en" : "es");
                fixture.send(outcome(session, i % 5 == 0 ? OutcomeKind.REJECTED : OutcomeKind.FULFILLED));
            }
            Map<String, String> env = fixture.env(Map.of("KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000", "SMTP_CONNECTIONS", String.valueOf(CONNECTIONS)));
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
                        NotifierFixture.messageIds(Arrays.asList(fixture.greenMail.getReceivedMessages())).size() == SESSIONS);
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

            Map<String, List<NotificationRecord>> sent = fixture.notifications().stream()
                    .filter(n -> n.getStatus() == DeliveryStatus.SENT)
                    .collect(Collectors.groupingBy(NotificationRecord::getSessionId));
            assertThat(sent).hasSize(SESSIONS);
            assertThat(sent.values()).allMatch(list -> list.size() == 1);
            Set<String> ids = sent.values().stream().map(l -> "<" + l.get(0).getNotificationId() + "@onramp.local>").collect(Collectors.toSet());
            assertThat(NotifierFixture.messageIds(received)).isEqualTo(ids);
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
