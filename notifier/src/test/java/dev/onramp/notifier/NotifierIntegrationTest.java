package dev.onramp.notifier;

import static dev.onramp.notifier.NotifierFixture.body;
import static dev.onramp.notifier.NotifierFixture.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.testkit.DevStackExtension;
import jakarta.mail.internet.MimeMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who gets told and when, counted at a real SMTP server. */
class NotifierIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    static NotifierFixture fixture;
    static NotifierService notifier;

    @BeforeAll
    static void start() {
        fixture = new NotifierFixture(STACK);
        notifier = fixture.startNotifier(Map.of());
    }

    @AfterAll
    static void stop() {
        notifier.close();
        fixture.close();
    }

    private static List<MimeMessage> awaitMessages(String address, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fixture.messagesTo(address).size() >= count);
        fixture.awaitCaughtUp();
        return fixture.messagesTo(address);
    }

    @Test
    void outcomeFirstThenRecipientIsToldOnceWithTheDetails() {
        String session = "cos_NotifyOutcomeFirst01";
        fixture.send(outcome(session, OutcomeKind.FULFILLED));
        fixture.awaitCaughtUp();
        assertThat(fixture.messagesTo("late.buyer@example.com")).isEmpty();

        fixture.recipient(session, "late.buyer@example.com", "en");
        List<MimeMessage> messages = awaitMessages("late.buyer@example.com", 1);
        assertThat(messages).hasSize(1);
        String body = body(messages.get(0));
        assertThat(body).contains("0.612345678").contains("SOL").contains("Solana").contains("100.00").contains("USD")
                .contains("5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW")
                .contains("https://solscan.io/tx/5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW")
                .doesNotContain("_secret_").doesNotContain("client_secret");
        List<NotificationRecord> sent = fixture.notifications().stream()
                .filter(n -> n.getSessionId().equals(session)).toList();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(sent.get(0).getRecipientMasked()).isEqualTo("l***r@example.com");
        assertThat(sent.get(0).getAttempts()).isEqualTo(1);
    }

    @Test
    void recipientFirstThenOutcomeIsToldOnceInTheirLanguage() throws Exception {
        String session = "cos_NotifyRecipientFirst";
        fixture.recipient(session, "early.buyer@example.com", "es");
        fixture.send(outcome(session, OutcomeKind.REJECTED));
        List<MimeMessage> messages = awaitMessages("early.buyer@example.com", 1);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).getSubject()).isEqualTo("No se pudo completar tu compra de criptomonedas");
        assertThat(body(messages.get(0))).doesNotContain("5VERv8NM");
    }

    @Test
    void duplicatedOutcomesSendOneMessage() {
        String session = "cos_NotifyDuplicated0001";
        fixture.recipient(session, "dup.buyer@example.com", "en");
        fixture.send(outcome(session, OutcomeKind.FULFILLED));
        fixture.send(outcome(session, OutcomeKind.FULFILLED));
        awaitMessages("dup.buyer@example.com", 1);
        fixture.send(outcome(session, OutcomeKind.FULFILLED));
        fixture.awaitCaughtUp();
        assertThat(fixture.messagesTo("dup.buyer@example.com")).hasSize(1);
        assertThat(fixture.notifications().stream().filter(n -> n.getSessionId().equals(session))).hasSize(1);
    }

    @Test
    void aRecipientUpdatedAfterSendingIsNotToldAgain() {
        String session = "cos_NotifyUpdatedAfter01";
        fixture.recipient(session, "first.address@example.com", "en");
        fixture.send(outcome(session, OutcomeKind.FULFILLED));
        awaitMessages("first.address@example.com", 1);
        fixture.recipient(session, "second.address@example.com", "es");
        fixture.awaitCaughtUp();
        assertThat(fixture.messagesTo("first.address@example.com")).hasSize(1);
        assertThat(fixture.messagesTo("second.address@example.com")).isEmpty();
    }

    @Test
    void aRecipientRemovedBeforeTheOutcomeGetsNothing() {
        String session = "cos_NotifyRemovedBefore1";
        fixture.recipient(session, "gone.buyer@example.com", "en");
        fixture.removeRecipient(session);
        fixture.send(outcome(session, OutcomeKind.FULFILLED));
        fixture.awaitCaughtUp();
        assertThat(fixture.messagesTo("gone.buyer@example.com")).isEmpty();
        assertThat(fixture.notifications().stream().filter(n -> n.getSessionId().equals(session))).isEmpty();
    }
}
