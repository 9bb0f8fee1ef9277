package dev.onramp.audit;

import static dev.onramp.session.state.SessionEvents.START;
import static dev.onramp.session.state.SessionEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.onramp.runtime.privacy.KeyStore;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.ErasureRequest;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.session.state.SessionStateMachine;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** One session's records merged into its timeline: time order, the pipeline's order on ties, and what each line says. */
class SessionTimelineTest {
    private static final KeyStore NO_KEYS = keyId -> Optional.empty();
    private static final String SESSION = "cos_Timeline01";

    @Test
    void mergesEveryTopicInTimeOrderAndSaysWhyEachEventDidWhatItDid() {
        OnrampSessionEvent paid = event("evt_2", SESSION, SessionStatus.FULFILLMENT_PROCESSING, 2);
        OnrampSessionEvent late = event("evt_1", SESSION, SessionStatus.INITIALIZED, 1);
        OnrampSessionEvent done = event("evt_3", SESSION, SessionStatus.FULFILLMENT_COMPLETE, 3);
        SessionStateMachine machine = new SessionStateMachine();
        SessionState afterPaid = machine.apply(null, paid, START).state();
        SessionState afterLate = machine.apply(afterPaid, late, START).state();
        SessionState afterDone = machine.apply(afterLate, done, START).state();
        Instant outcomeAt = done.getReceivedAt();

        var records = new SessionTimeline.Records(
                List.of(at(paid.getReceivedAt(), raw(paid)), at(late.getReceivedAt(), raw(late)), at(done.getReceivedAt(), raw(done)),
                        at(done.getReceivedAt().plusSeconds(1), raw(done, done.getReceivedAt().plusSeconds(1)))),
                List.of(at(paid.getReceivedAt(), afterPaid), at(late.getReceivedAt(), afterLate), at(done.getReceivedAt(), afterDone)),
                List.of(at(outcomeAt, SessionOutcome.newBuilder().setSessionId(SESSION).setOutcome(OutcomeKind.FULFILLED)
                        .setPreviousStatus(SessionStatus.FULFILLMENT_PROCESSING).setOccurredAt(outcomeAt).setDecidingEventId("evt_3").build())),
                List.of(at(START, SessionRecipient.newBuilder().setSessionId(SESSION).setEmail("buyer@example.com").setUpdatedAt(START).build())),
                List.of(at(outcomeAt.plusSeconds(5), NotificationRecord.newBuilder().setNotificationId("n_1").setSessionId(SESSION)
                        .setOutcome(OutcomeKind.FULFILLED).setChannel(Channel.EMAIL).setRecipientMasked("b***@example.com")
                        .setStatus(DeliveryStatus.SENT).setAttempts(1).setAt(outcomeAt.plusSeconds(5)).build())),
                List.of(), List.of(), List.of(),
                List.of(at(outcomeAt.plusSeconds(60), ErasureRequest.newBuilder().setRequestId("era_1").setSessionId(SESSION)
                        .setRequestedBy("adm_0123abcd").setRequestedAt(outcomeAt.plusSeconds(60)).build())));

        List<TimelineEntry> timeline = SessionTimeline.merge(records, null, false, NO_KEYS);

        assertThat(timeline).extracting(TimelineEntry::kind).containsExactly(
                "recipient", "webhook", "state", "webhook", "state", "webhook", "state", "outcome", "webhook", "notification",
                "erasure_requested");
        assertThat(timeline.get(timeline.size() - 1).details()).containsEntry("by", "adm_0123abcd").containsEntry("request", "era_1");
        assertThat(timeline).extracting(TimelineEntry::at).isSorted();
        assertThat(timeline.get(0).details()).containsEntry("email", "b***r@example.com");
        assertThat(timeline.stream().filter(e -> e.kind().equals("state")).map(e -> e.details().get("disposition")))
                .containsExactly("older", "applied", "applied");
        assertThat(timeline.get(8).details().get("note")).asString().contains("redelivery");
        assertThat(timeline.get(7).details()).containsEntry("outcome", "FULFILLED").containsEntry("deciding_event_id", "evt_3");

        assertThat(SessionTimeline.merge(records, null, true, NO_KEYS).get(0).details()).containsEntry("email", "buyer@example.com");
        assertThat(SessionTimeline.merge(records, done.getReceivedAt(), false, NO_KEYS)).filteredOn(e -> e.kind().equals("state"))
                .as("state changes before since are left out").hasSize(1);
    }

    private static RawWebhook raw(OnrampSessionEvent event) {
        return raw(event, event.getReceivedAt());
    }

    private static RawWebhook raw(OnrampSessionEvent event, Instant receivedAt) {
        return RawWebhook.newBuilder().setEventId(event.getEventId()).setEventType(event.getEventType()).setSessionId(SESSION)
                .setPayload("{\"data\":{\"object\":{\"status\":\"" + event.getStatusRaw() + "\"}}}")
                .setBodySha256("0".repeat(64)).setSignatureHeader("t=1,v1=x").setVerifiedBy("whsec_...1234")
                .setReceivedAt(receivedAt).build();
    }

    private static <V> ConsumerRecord<String, V> at(Instant time, V value) {
        return new ConsumerRecord<>("topic", 0, 0, time.toEpochMilli(), TimestampType.CREATE_TIME, -1, -1, SESSION, value,
                new RecordHeaders(), Optional.empty());
    }
}
