package dev.onramp.audit;

import static dev.onramp.session.state.SessionEvents.START;
import static dev.onramp.session.state.SessionEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.onramp.schemas.Channel;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.session.state.SessionStateMachine;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A period's report over records as the topics hold them: what falls in [from, to), and why a fulfilled user was not told. */
class AuditReportTest {
    private static final Instant FROM = START;
    private static final Instant TO = START.plusSeconds(3600);
    private static final Instant BEFORE = FROM.minusSeconds(1);
    private static final Instant INSIDE = FROM.plusSeconds(60);

    @Test
    void countsOnlyThePeriodAndTellsWhyAFulfilledUserWasNotNotified() {
        var records = new AuditReport.Records(
                List.of(at(BEFORE, "cos_A", "raw"), at(INSIDE, "cos_A", "raw"), at(INSIDE, "cos_B", "raw"), at(TO, "cos_C", "raw")),
                List.of(at(INSIDE, "evt_x", "dead letter")),
                List.of(at(INSIDE, "cos_A", state("cos_A", SessionStatus.FULFILLMENT_COMPLETE)),
                        at(INSIDE, "cos_B", state("cos_B", SessionStatus.REJECTED)),
                        at(INSIDE, "cos_D", state("cos_D", SessionStatus.FULFILLMENT_COMPLETE)),
                        at(INSIDE, "cos_E", state("cos_E", SessionStatus.FULFILLMENT_COMPLETE)),
                        at(INSIDE, "cos_R", state("cos_R", SessionStatus.INITIALIZED)),
                        at(INSIDE, "cos_R", (SessionState) null)),
                List.of(at(INSIDE, "cos_A", outcome("cos_A", OutcomeKind.FULFILLED)),
                        at(INSIDE, "cos_B", outcome("cos_B", OutcomeKind.REJECTED)),
                        at(INSIDE, "cos_D", outcome("cos_D", OutcomeKind.FULFILLED)),
                        at(INSIDE, "cos_E", outcome("cos_E", OutcomeKind.FULFILLED)),
                        at(BEFORE, "cos_F", outcome("cos_F", OutcomeKind.FULFILLED))),
                List.of(at(INSIDE, "cos_A", notification("n_a", "cos_A", Channel.EMAIL, DeliveryStatus.RETRYING)),
                        at(INSIDE, "cos_A", notification("n_a", "cos_A", Channel.EMAIL, DeliveryStatus.SENT)),
                        at(INSIDE, "cos_A", notification("n_aw", "cos_A", Channel.WEBHOOK, DeliveryStatus.SENT)),
                        at(INSIDE, "cos_D", notification("n_dw", "cos_D", Channel.WEBHOOK, DeliveryStatus.SENT)),
                        at(INSIDE, "cos_E", notification("n_e", "cos_E", Channel.EMAIL, DeliveryStatus.FAILED))),
                List.of(at(INSIDE, "cos_A", recipient("cos_A")), at(INSIDE, "cos_E", recipient("cos_E"))),
                List.of(at(INSIDE, "cos_G", "alert"), at(BEFORE, "cos_G", "alert")));

        Map<String, Long> report = AuditReport.count(records, FROM, TO);

        assertThat(report).containsEntry("webhooks.accepted", 2L)
                .containsEntry("webhooks.dead_lettered", 1L)
                .containsEntry("sessions.final_status.fulfillment_complete", 3L)
                .containsEntry("sessions.final_status.rejected", 1L)
                .doesNotContainKey("sessions.final_status.initialized")
                .containsEntry("outcomes.fulfilled", 3L)
                .containsEntry("outcomes.rejected", 1L)
                .containsEntry("notifications.sent", 3L)
                .containsEntry("notifications.sent.email", 1L)
                .containsEntry("notifications.sent.webhook", 2L)
                .containsEntry("notifications.retrying", 0L)
                .containsEntry("notifications.failed.email", 1L)
                // cos_A told by email; cos_D only the platform (no recipient); cos_E's email failed.
                .containsEntry("fulfilled_without_notification", 2L)
                .containsEntry("fulfilled_without_notification.no_recipient", 1L)
                .containsEntry("fulfilled_without_notification.failed", 1L)
                .containsEntry("alerts.stalled", 1L);
    }

    private static <V> ConsumerRecord<String, V> at(Instant time, String key, V value) {
        return new ConsumerRecord<>("topic", 0, 0, time.toEpochMilli(), TimestampType.CREATE_TIME, -1, -1, key, value,
                new RecordHeaders(), Optional.empty());
    }

    private static SessionState state(String sessionId, SessionStatus status) {
        return new SessionStateMachine().apply(null, event(sessionId + "_e", sessionId, status, 60), INSIDE).state();
    }

    private static SessionOutcome outcome(String sessionId, OutcomeKind kind) {
        return SessionOutcome.newBuilder().setSessionId(sessionId).setOutcome(kind).setPreviousStatus(SessionStatus.FULFILLMENT_PROCESSING)
                .setOccurredAt(INSIDE).setDecidingEventId(sessionId + "_e").build();
    }

    private static NotificationRecord notification(String id, String sessionId, Channel channel, DeliveryStatus status) {
        return NotificationRecord.newBuilder().setNotificationId(id).setSessionId(sessionId).setOutcome(OutcomeKind.FULFILLED)
                .setChannel(channel).setRecipientMasked("u***@example.com").setStatus(status).setAttempts(1).setAt(INSIDE).build();
    }

    private static SessionRecipient recipient(String sessionId) {
        return SessionRecipient.newBuilder().setSessionId(sessionId).setEmail("user@example.com").setUpdatedAt(BEFORE).build();
    }
}
