package dev.onramp.notifier;

import static dev.onramp.notifier.NotifierFixture.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.TcpProxy;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The sender against a real SMTP server that is slow, misconfigured or throttling, and across an application reset. */
class NotifierSendingIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    static NotifierFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new NotifierFixture(STACK);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aResetApplicationSendsNothingTheTrailSaysWasSent() {
        List<String> sessions = sessions("cos_NotifyReset", 20);
        sessions.forEach(s -> {
            fixture.recipient(s, address(s), "en");
            fixture.send(outcome(s, OutcomeKind.FULFILLED));
        });
        try (NotifierService first = fixture.startNotifier(Map.of("NOTIFIER_APPLICATION_ID", "reset-before"))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> sent(sessions) == sessions.size());
        }
        // A new application id and an empty state directory: it reads every outcome and recipient again.
        try (NotifierService second = fixture.startNotifier(Map.of("NOTIFIER_APPLICATION_ID", "reset-after"))) {
            String fresh = "cos_NotifyResetFresh0001";
            fixture.recipient(fresh, address(fresh), "en");
            fixture.send(outcome(fresh, OutcomeKind.REJECTED));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> sent(List.of(fresh)) == 1);
            Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> sent(sessions) == sessions.size());
        }
        sessions.forEach(s -> assertThat(fixture.messagesTo(address(s))).as(s).hasSize(1));
    }

    @Test
    void aServerWithoutStartTlsWhileItIsRequiredIsAWarningThatSaysWhatToSetThenAFailure() throws Exception {
        ListAppender<ILoggingEvent> logs = captureLogs();
        String session = "cos_NotifyStartTls00001";
        try (NotifierService notifier = fixture.startNotifier(Map.of(
                "NOTIFIER_APPLICATION_ID", "starttls-required",
                "SMTP_STARTTLS", "true",
                "RETRY_INITIAL_DELAY", "300ms",
                "RETRY_MAX_DELAY", "1s",
                "RETRY_WINDOW", "4s",
                "RETRY_CHECK_INTERVAL", "100ms",
                "NOTIFIER_DEGRADED_AFTER", "1s"))) {
            fixture.recipient(session, address(session), "en");
            fixture.send(outcome(session, OutcomeKind.FULFILLED));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> records(session).stream()
                    .anyMatch(r -> r.getStatus() == DeliveryStatus.FAILED));
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + notifier.adminPort() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as("degraded, still in rotation").isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"DEGRADED\"").contains("does not offer STARTTLS");
        }
        assertThat(fixture.messagesTo(address(session))).isEmpty();
        assertThat(records(session).get(0).getStatus()).isEqualTo(DeliveryStatus.RETRYING);
        List<String> warnings = logs.list.stream().filter(e -> e.getLevel().toString().equals("WARN"))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).anyMatch(w -> w.contains("attempt 1 failed")
                && w.contains("does not offer STARTTLS; set SMTP_STARTTLS=false for a local server without TLS")
                && w.contains("next attempt at"));
        assertThat(warnings).anyMatch(w -> w.contains("failed for good"));
        assertThat(warnings).noneMatch(w -> w.contains(address(session)));
        assertThat(fixture.deadLetters()).anyMatch(d -> d.getOutcome().getSessionId().equals(session));
    }

    @Test
    void sixtyNotificationsWaitingThroughAnOutageAreEachSentOnceByASlowServer() {
        List<String> sessions = sessions("cos_NotifySlow", 60);
        try (TcpProxy smtp = new TcpProxy(fixture.smtpPort);
             NotifierService notifier = fixture.startNotifier(Map.of(
                     "NOTIFIER_APPLICATION_ID", "slow-smtp",
                     "SMTP_PORT", String.valueOf(smtp.port()),
                     "SMTP_TIMEOUT", "10s",
                     "SMTP_CONNECTIONS", "4",
                     "RETRY_INITIAL_DELAY", "2s",
                     "RETRY_CHECK_INTERVAL", "100ms",
                     "NOTIFIER_BREAKER_OPEN_FOR", "2s"))) {
            smtp.cut();
            sessions.forEach(s -> {
                fixture.recipient(s, address(s), "en");
                fixture.send(outcome(s, OutcomeKind.FULFILLED));
            });
            // The first attempts fail until the breaker opens; the rest wait with the sender, their retries unspent.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> sessions.stream()
                    .filter(s -> records(s).stream().anyMatch(r -> r.getStatus() == DeliveryStatus.RETRYING)).count() >= 10);
            // Every reply of the server now takes 200 ms: about a second per message, far past a 100 ms commit.
            smtp.delayReplies(Duration.ofMillis(200));
            smtp.restore();
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> sent(sessions) == sessions.size());
            fixture.awaitCaughtUp("slow-smtp");
        }
        sessions.forEach(s -> assertThat(fixture.messagesTo(address(s))).as(s).hasSize(1));
        sessions.forEach(s -> assertThat(records(s).stream().filter(r -> r.getStatus() == DeliveryStatus.SENT)).as(s).hasSize(1));
    }

    @Test
    void theRateLimitIsHonoured() {
        List<String> sessions = sessions("cos_NotifyRate", 30);
        try (NotifierService notifier = fixture.startNotifier(Map.of(
                "NOTIFIER_APPLICATION_ID", "rate-limited",
                "NOTIFIER_SEND_RATE", "10",
                "SMTP_CONNECTIONS", "8"))) {
            long began = System.nanoTime();
            sessions.forEach(s -> {
                fixture.recipient(s, address(s), "en");
                fixture.send(outcome(s, OutcomeKind.FULFILLED));
            });
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> sent(sessions) == sessions.size());
            // 30 at 10 a second: the first 10 at once, then 10 a second; never faster (a floor, not a timing).
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(1_900));
        }
    }

    private static List<String> sessions(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> String.format("%s%05d", prefix, i)).toList();
    }

    private static String address(String session) {
        return "buyer." + session.substring(4).toLowerCase(Locale.ROOT) + "@example.com";
    }

    /** How many of the sessions' recipients have an email. */
    private static long sent(List<String> sessions) {
        return sessions.stream().filter(s -> !fixture.messagesTo(address(s)).isEmpty()).count();
    }

    private static List<NotificationRecord> records(String session) {
        return fixture.notifications().stream().filter(n -> n.getSessionId().equals(session)).toList();
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        Logger ours = context.getLogger("dev.onramp");
        ours.addAppender(appender);
        return appender;
    }
}
