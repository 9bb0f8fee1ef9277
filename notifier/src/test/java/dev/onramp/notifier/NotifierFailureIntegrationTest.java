package dev.onramp.notifier;

import static dev.onramp.notifier.NotifierFixture.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.testkit.DevStackExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A mail server that is down, and one that refuses an address. */
class NotifierFailureIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    static NotifierFixture fixture;
    static NotifierService notifier;

    @BeforeAll
    static void start() {
        RefusedRecipients.refuse(address -> address.startsWith("refused"));
        fixture = new NotifierFixture(STACK);
        notifier = fixture.startNotifier(Map.of(
                "RETRY_INITIAL_DELAY", "5s",
                "RETRY_CHECK_INTERVAL", "200ms"));
    }

    @AfterAll
    static void stop() {
        notifier.close();
        fixture.close();
    }

    private static List<NotificationRecord> recordsOf(String session) {
        return fixture.notifications().stream().filter(n -> n.getSessionId().equals(session)).toList();
    }

    @Test
    void aMailServerThatIsDownDelaysOnlyTheMessagesThatFailed() {
        String waiting = "cos_NotifySmtpDown00001";
        String fresh = "cos_NotifySmtpBackUp0001";
        fixture.stopSmtp();
        fixture.recipient(waiting, "patient.buyer@example.com", "en");
        fixture.send(outcome(waiting, OutcomeKind.FULFILLED));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !recordsOf(waiting).isEmpty());
        NotificationRecord retrying = recordsOf(waiting).get(0);
        assertThat(retrying.getStatus()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(retrying.getAttempts()).isEqualTo(1);
        assertThat(retrying.getNextAttemptAt()).isAfter(retrying.getAt());

        fixture.startSmtp();
        fixture.recipient(fresh, "fresh.buyer@example.com", "en");
        fixture.send(outcome(fresh, OutcomeKind.FULFILLED));

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                fixture.messagesTo("patient.buyer@example.com").size() == 1 && fixture.messagesTo("fresh.buyer@example.com").size() == 1);
        NotificationRecord freshSent = recordsOf(fresh).get(0);
        List<NotificationRecord> waitingRecords = recordsOf(waiting);
        NotificationRecord waitingSent = waitingRecords.get(waitingRecords.size() - 1);
        assertThat(freshSent.getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(freshSent.getAttempts()).isEqualTo(1);
        assertThat(waitingSent.getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(waitingSent.getAttempts()).isGreaterThanOrEqualTo(2);
        assertThat(freshSent.getAt()).as("the new session was not held behind the retry").isBefore(waitingSent.getAt());
        fixture.awaitCaughtUp();
        assertThat(fixture.messagesTo("patient.buyer@example.com")).hasSize(1);
    }

    @Test
    void anAddressTheServerRefusesFailsOnceAndGoesToTheDeadLetterTopic() {
        String session = "cos_NotifyRefused000001";
        fixture.recipient(session, "refused.buyer@example.com", "en");
        fixture.send(outcome(session, OutcomeKind.FULFILLED));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !recordsOf(session).isEmpty());
        fixture.awaitCaughtUp();

        List<NotificationRecord> records = recordsOf(session);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(records.get(0).getAttempts()).isEqualTo(1);
        assertThat(records.get(0).getReason()).contains("550");
        List<NotificationDeadLetter> dead = fixture.deadLetters().stream()
                .filter(d -> d.getOutcome().getSessionId().equals(session)).toList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getRecipientMasked()).isEqualTo("r***r@example.com");
        assertThat(dead.get(0).getReason()).contains("550");
        assertThat(dead.get(0).getAttempts()).isEqualTo(1);
        assertThat(fixture.messagesTo("refused.buyer@example.com")).isEmpty();
    }
}
