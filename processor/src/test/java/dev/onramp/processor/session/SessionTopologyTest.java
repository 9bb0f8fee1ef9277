package dev.onramp.processor.session;

import static dev.onramp.processor.session.SessionTopologyFixture.event;
import static dev.onramp.processor.session.SessionTopologyFixture.lifecycle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.onramp.processor.ProcessorSerdes;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.AlertKind;
import dev.onramp.schemas.Disposition;
import dev.onramp.schemas.EventSource;
import dev.onramp.schemas.OccurredAtSource;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.StatusChange;
import dev.onramp.schemas.serde.InMemorySchemaRegistry;
import dev.onramp.session.state.SessionSettings;
import dev.onramp.testkit.streams.TopologyDiagram;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SessionTopologyTest {
    private static final String S = "cos_TopologyTest0001";

    @Test
    void theDiagramInTheJavadocNamesTheTopicsAndStoresTheTopologyBuilds() {
        TopologyDescription built = SessionTopology.build(SessionSettings.defaults(), ProcessorSerdes.on(new InMemorySchemaRegistry()),
                new SessionMetrics(new SimpleMeterRegistry()), Tracing.off()).describe();
        assertThat(TopologyDiagram.of(Path.of("src/main/java/dev/onramp/processor/session/SessionTopology.java")))
                .isEqualTo(TopologyDiagram.of(built));
    }

    @Test
    void inOrderLifecycleEndsFulfilledWithOneOutcome() {
        try (var h = new SessionTopologyFixture()) {
            h.sendAll(lifecycle(S));
            assertThat(h.states.readValuesToList()).extracting(SessionState::getStatus).containsExactly(
                    SessionStatus.INITIALIZED, SessionStatus.REQUIRES_PAYMENT,
                    SessionStatus.FULFILLMENT_PROCESSING, SessionStatus.FULFILLMENT_COMPLETE);
            List<SessionOutcome> outcomes = h.outcomes.readValuesToList();
            assertThat(outcomes).hasSize(1);
            SessionOutcome outcome = outcomes.get(0);
            assertThat(outcome.getOutcome()).isEqualTo(OutcomeKind.FULFILLED);
            assertThat(outcome.getPreviousStatus()).isEqualTo(SessionStatus.FULFILLMENT_PROCESSING);
            assertThat(outcome.getDecidingEventId()).isEqualTo(S + "_e4");
            assertThat(outcome.getTransactionDetails().getTransactionId()).isEqualTo("0xabc");
            SessionState state = h.state(S);
            assertThat(state.getHistory()).extracting(StatusChange::getDisposition).containsOnly(Disposition.APPLIED);
            assertThat(state.getOutcome()).isEqualTo(OutcomeKind.FULFILLED);
        }
    }

    static Stream<List<Integer>> permutations() {
        List<List<Integer>> all = new ArrayList<>();
        permute(new ArrayList<>(List.of(0, 1, 2, 3)), 0, all);
        return all.stream();
    }

    private static void permute(List<Integer> items, int k, List<List<Integer>> out) {
        if (k == items.size()) {
            out.add(List.copyOf(items));
            return;
        }
        for (int i = k; i < items.size(); i++) {
            Collections.swap(items, k, i);
            permute(items, k + 1, out);
            Collections.swap(items, k, i);
        }
    }

    @ParameterizedTest(name = "order {0}")
    @MethodSource("permutations")
    void everyDeliveryOrderEndsInTheSameStateWithOneOutcome(List<Integer> order) {
        try (var h = new SessionTopologyFixture()) {
            List<OnrampSessionEvent> events = lifecycle(S);
            order.forEach(i -> h.send(events.get(i)));
            SessionState state = h.state(S);
            assertThat(state.getStatus()).isEqualTo(SessionStatus.FULFILLMENT_COMPLETE);
            assertThat(state.getLastEventId()).isEqualTo(S + "_e4");
            assertThat(state.getTransactionDetails().getTransactionId()).isEqualTo("0xabc");
            assertThat(state.getHistory()).hasSize(4);
            assertThat(h.outcomes.readValuesToList()).hasSize(1).first()
                    .extracting(SessionOutcome::getOutcome).isEqualTo(OutcomeKind.FULFILLED);
        }
    }

    @Test
    void everyEventDeliveredTwiceCountsOnce() {
        try (var h = new SessionTopologyFixture()) {
            h.sendAll(lifecycle(S));
            h.sendAll(lifecycle(S));
            h.send(lifecycle(S).get(3));
            assertThat(h.outcomes.readValuesToList()).hasSize(1);
            assertThat(h.state(S).getHistory()).hasSize(4);
            assertThat(h.states.readValuesToList()).hasSize(4);
            assertThat(h.counter("onramp.processor.duplicates")).isEqualTo(5.0);
        }
    }

    @Test
    void aRedeliveryDaysLaterIsStillADuplicate() {
        try (var h = new SessionTopologyFixture()) {
            var complete = lifecycle(S).get(3);
            h.send(complete);
            h.events.advanceTime(Duration.ofDays(3));
            h.send(complete);
            assertThat(h.outcomes.readValuesToList()).hasSize(1);
            assertThat(h.state(S).getHistory()).hasSize(1);
        }
    }

    @Test
    void aRedeliveryIsADuplicateWithinTheHorizonAndAppliedAgainBeyondIt() {
        try (var h = new SessionTopologyFixture(new SessionSettings(Duration.ofDays(7), Duration.ofMinutes(30), Duration.ofMinutes(1)))) {
            h.sendAll(lifecycle(S));
            var complete = lifecycle(S).get(3);
            // Ingest stamps each delivery with its own receipt time; the horizon is measured between receipts.
            h.send(OnrampSessionEvent.newBuilder(complete).setReceivedAt(complete.getReceivedAt().plus(Duration.ofDays(6))).build());
            assertThat(h.state(S).getHistory()).hasSize(4);
            assertThat(h.counter("onramp.processor.duplicates")).isEqualTo(1.0);

            h.send(OnrampSessionEvent.newBuilder(complete).setReceivedAt(complete.getReceivedAt().plus(Duration.ofDays(8))).build());
            assertThat(h.state(S).getHistory()).hasSize(5);
            assertThat(h.state(S).getHistory().get(4).getDisposition()).isEqualTo(Disposition.OLDER);
            assertThat(h.counter("onramp.processor.duplicates")).isEqualTo(1.0);
            assertThat(h.outcomes.readValuesToList()).hasSize(1);
        }
    }

    @Test
    void splitEventsForOneChangeGiveOneOutcome() {
        try (var h = new SessionTopologyFixture()) {
            h.send(event("evt_split_a", S, SessionStatus.FULFILLMENT_COMPLETE, 10));
            h.send(event("evt_split_b", S, SessionStatus.FULFILLMENT_COMPLETE, 10));
            assertThat(h.outcomes.readValuesToList()).hasSize(1);
            assertThat(h.state(S).getHistory()).extracting(StatusChange::getDisposition)
                    .containsExactly(Disposition.APPLIED, Disposition.OLDER);
        }
    }

    @Test
    void sameSecondTiesAreDecidedByProgressEitherWay() {
        for (boolean completeFirst : new boolean[]{true, false}) {
            try (var h = new SessionTopologyFixture()) {
                var processing = event("evt_tie_p", S, SessionStatus.FULFILLMENT_PROCESSING, 5);
                var complete = event("evt_tie_c", S, SessionStatus.FULFILLMENT_COMPLETE, 5);
                h.sendAll(completeFirst ? List.of(complete, processing) : List.of(processing, complete));
                assertThat(h.state(S).getStatus()).isEqualTo(SessionStatus.FULFILLMENT_COMPLETE);
                assertThat(h.outcomes.readValuesToList()).hasSize(1);
            }
        }
    }

    @Test
    void rejectedEarlyEndsTheSessionAndLateEventsDoNotReopenIt() {
        try (var h = new SessionTopologyFixture()) {
            h.send(event("evt_r1", S, SessionStatus.INITIALIZED, 1));
            h.send(event("evt_r2", S, SessionStatus.REJECTED, 3));
            h.send(event("evt_r3", S, SessionStatus.REQUIRES_PAYMENT, 2));
            SessionState state = h.state(S);
            assertThat(state.getStatus()).isEqualTo(SessionStatus.REJECTED);
            assertThat(state.getHistory().get(2).getDisposition()).isEqualTo(Disposition.OLDER);
            List<SessionOutcome> outcomes = h.outcomes.readValuesToList();
            assertThat(outcomes).hasSize(1);
            assertThat(outcomes.get(0).getOutcome()).isEqualTo(OutcomeKind.REJECTED);
            assertThat(outcomes.get(0).getPreviousStatus()).isEqualTo(SessionStatus.INITIALIZED);
        }
    }

    @Test
    void aContradictingTerminalChangesNothingAndIsCountedAsAnAnomaly() {
        try (var h = new SessionTopologyFixture()) {
            h.send(event("evt_c1", S, SessionStatus.FULFILLMENT_COMPLETE, 5));
            h.send(event("evt_c2", S, SessionStatus.REJECTED, 6));
            SessionState state = h.state(S);
            assertThat(state.getStatus()).isEqualTo(SessionStatus.FULFILLMENT_COMPLETE);
            assertThat(state.getAnomalies()).isEqualTo(1);
            assertThat(state.getHistory().get(1).getDisposition()).isEqualTo(Disposition.CONTRADICTING_TERMINAL);
            assertThat(h.outcomes.readValuesToList()).hasSize(1);
            assertThat(h.counter("onramp.processor.anomalies")).isEqualTo(1.0);
        }
    }

    @Test
    void aLateTransactionIdUpdatesTheStateWithoutASecondOutcome() {
        try (var h = new SessionTopologyFixture()) {
            h.send(event("evt_l1", S, SessionStatus.FULFILLMENT_COMPLETE, "fulfillment_complete", 5, null));
            h.send(event("evt_l2", S, SessionStatus.FULFILLMENT_COMPLETE, "fulfillment_complete", 9, "0xfeed"));
            SessionState state = h.state(S);
            assertThat(state.getTransactionDetails().getTransactionId()).isEqualTo("0xfeed");
            assertThat(state.getHistory().get(1).getDisposition()).isEqualTo(Disposition.DETAILS_UPDATED);
            assertThat(h.outcomes.readValuesToList()).hasSize(1);
            assertThat(h.latestStates().get(S).getTransactionDetails().getTransactionId()).isEqualTo("0xfeed");
        }
        try (var h = new SessionTopologyFixture()) {
            // The same two in the other order: the id is kept, not erased by the older event.
            h.send(event("evt_l2", S, SessionStatus.FULFILLMENT_COMPLETE, "fulfillment_complete", 9, "0xfeed"));
            h.send(event("evt_l1", S, SessionStatus.FULFILLMENT_COMPLETE, "fulfillment_complete", 5, null));
            assertThat(h.state(S).getTransactionDetails().getTransactionId()).isEqualTo("0xfeed");
            assertThat(h.outcomes.readValuesToList()).hasSize(1);
        }
    }

    @Test
    void anUnknownStatusIsRecordedAndNeverMovesTheRank() {
        try (var h = new SessionTopologyFixture()) {
            h.send(event("evt_u1", S, SessionStatus.REQUIRES_PAYMENT, 1));
            h.send(event("evt_u2", S, SessionStatus.UNKNOWN, "requires_verification", 2, null));
            SessionState state = h.state(S);
            assertThat(state.getStatus()).isEqualTo(SessionStatus.REQUIRES_PAYMENT);
            StatusChange unknown = state.getHistory().get(1);
            assertThat(unknown.getDisposition()).isEqualTo(Disposition.UNKNOWN_STATUS);
            assertThat(unknown.getStatusRaw()).isEqualTo("requires_verification");
            h.send(event("evt_u3", S, SessionStatus.FULFILLMENT_PROCESSING, 3));
            assertThat(h.state(S).getStatus()).isEqualTo(SessionStatus.FULFILLMENT_PROCESSING);
            assertThat(h.outcomes.isEmpty()).isTrue();
        }
    }

    @Test
    void aMintedSessionNotHeardOfSinceIsLookedUpAtEachDoublingThenHandedToAnOperator() {
        try (var h = new SessionTopologyFixture()) {
            h.send(minted(S));
            h.driver.advanceWallClockTime(Duration.ofMinutes(59));
            assertThat(h.alerts.isEmpty()).isTrue();
            Map<Integer, Duration> alertedAfter = new LinkedHashMap<>();
            List<AlertKind> kinds = new ArrayList<>();
            Duration elapsed = Duration.ofMinutes(59);
            while (elapsed.compareTo(Duration.ofDays(12)) < 0) {
                h.driver.advanceWallClockTime(Duration.ofMinutes(10));
                elapsed = elapsed.plusMinutes(10);
                for (SessionAlert alert : h.alerts.readValuesToList()) {
                    alertedAfter.put(alert.getSequence(), elapsed);
                    kinds.add(alert.getKind());
                }
            }
            assertThat(kinds).as("lookups at 1, 2, 4, ... 128 hours, then the operator at the 7-day horizon, then nothing")
                    .containsExactly(AlertKind.SILENT_SINCE_MINTED, AlertKind.SILENT_SINCE_MINTED, AlertKind.SILENT_SINCE_MINTED,
                            AlertKind.SILENT_SINCE_MINTED, AlertKind.SILENT_SINCE_MINTED, AlertKind.SILENT_SINCE_MINTED,
                            AlertKind.SILENT_SINCE_MINTED, AlertKind.SILENT_SINCE_MINTED, AlertKind.PAST_FINAL_HORIZON);
            assertThat(alertedAfter.get(1)).isBetween(Duration.ofHours(1), Duration.ofMinutes(70));
            assertThat(alertedAfter.get(4)).isBetween(Duration.ofHours(8), Duration.ofHours(8).plusMinutes(10));
            assertThat(alertedAfter.get(8)).isBetween(Duration.ofHours(128), Duration.ofHours(128).plusMinutes(10));
            assertThat(alertedAfter.get(9)).isBetween(Duration.ofDays(7), Duration.ofDays(7).plusMinutes(10));

            String other = "cos_MintedThenUsed00001";
            h.send(minted(other));
            h.send(event("evt_used_1", other, SessionStatus.FULFILLMENT_COMPLETE, 5));
            for (int hour = 0; hour < 3; hour++) {
                h.driver.advanceWallClockTime(Duration.ofHours(1));
            }
            assertThat(h.alerts.isEmpty()).as("a session that ended is not quiet").isTrue();
        }
    }

    @Test
    void aSessionQuietInRequiresPaymentIsLookedUpAndItsStatusResetsTheClock() {
        try (var h = new SessionTopologyFixture()) {
            h.send(minted(S));
            h.driver.advanceWallClockTime(Duration.ofMinutes(30));
            h.send(event("evt_q1", S, SessionStatus.REQUIRES_PAYMENT, 5));
            h.driver.advanceWallClockTime(Duration.ofMinutes(50));
            assertThat(h.alerts.isEmpty()).as("quiet time counts from the status's start, not the mint's").isTrue();
            h.driver.advanceWallClockTime(Duration.ofMinutes(11));
            h.driver.advanceWallClockTime(Duration.ofMinutes(60));
            assertThat(h.alerts.readValuesToList()).extracting(SessionAlert::getKind, SessionAlert::getStatus, SessionAlert::getSequence)
                    .containsExactly(tuple(AlertKind.QUIET, SessionStatus.REQUIRES_PAYMENT, 1),
                            tuple(AlertKind.QUIET, SessionStatus.REQUIRES_PAYMENT, 2));

            h.send(event("evt_q2", S, SessionStatus.FULFILLMENT_PROCESSING, 9));
            h.driver.advanceWallClockTime(Duration.ofMinutes(31));
            assertThat(h.alerts.readValuesToList()).extracting(SessionAlert::getKind, SessionAlert::getSequence)
                    .as("a new status starts a new count, at its own threshold")
                    .containsExactly(tuple(AlertKind.STALLED_IN_FULFILLMENT, 1));
        }
    }

    @Test
    void anOutcomeFoundByALookupCarriesTheTimeStripeAnsweredAndAWebhookItsEventTime() {
        try (var h = new SessionTopologyFixture()) {
            Instant answered = SessionTopologyFixture.START.plus(Duration.ofDays(2));
            h.send(event("evt_t1", S, SessionStatus.REQUIRES_PAYMENT, 5));
            h.send(OnrampSessionEvent.newBuilder(event("recon_" + S + "_fulfillment_complete", S, SessionStatus.FULFILLMENT_COMPLETE, 0))
                    .setSource(EventSource.RECONCILIATION).setStatusObservedAt(answered).build());
            SessionOutcome reconciled = h.outcomes.readValue();
            assertThat(reconciled.getOccurredAt()).isEqualTo(answered);
            assertThat(reconciled.getOccurredAtSource()).isEqualTo(OccurredAtSource.STRIPE_LOOKUP);
            assertThat(h.state(S).getOutcomeAt()).isEqualTo(answered);

            String other = "cos_EndedByAWebhook00001";
            h.send(event("evt_t2", other, SessionStatus.REJECTED, 7));
            SessionOutcome webhook = h.outcomes.readValue();
            assertThat(webhook.getOccurredAt()).isEqualTo(SessionTopologyFixture.START.plusSeconds(7));
            assertThat(webhook.getOccurredAtSource()).isEqualTo(OccurredAtSource.STRIPE_EVENT_CREATED);
        }
    }

    @Test
    void aReconciliationAndALateWebhookGiveOneOutcomeInEitherOrder() {
        for (boolean reconciliationFirst : new boolean[] {true, false}) {
            try (var h = new SessionTopologyFixture()) {
                h.send(minted(S));
                h.send(event("evt_r1", S, SessionStatus.REQUIRES_PAYMENT, 5));
                OnrampSessionEvent reconciled = OnrampSessionEvent.newBuilder(event("recon_" + S + "_fulfillment_complete", S,
                        SessionStatus.FULFILLMENT_COMPLETE, "fulfillment_complete", 0, "0xabc")).setSource(EventSource.RECONCILIATION).build();
                OnrampSessionEvent webhook = event("evt_r3", S, SessionStatus.FULFILLMENT_COMPLETE, "fulfillment_complete", 9, "0xabc");
                h.sendAll(reconciliationFirst ? List.of(reconciled, webhook) : List.of(webhook, reconciled));
                h.send(reconciled);
                assertThat(h.outcomes.readValuesToList()).as("reconciliation first: %s", reconciliationFirst).hasSize(1);
                assertThat(h.state(S).getStatus()).isEqualTo(SessionStatus.FULFILLMENT_COMPLETE);
            }
        }
    }

    private static OnrampSessionEvent minted(String sessionId) {
        return OnrampSessionEvent.newBuilder(event("mint_" + sessionId, sessionId, SessionStatus.INITIALIZED, 0))
                .setEventType("onramp.session_minted").setSource(EventSource.MINT).build();
    }

    @Test
    void aSessionStuckInFulfillmentGetsOneAlertPerThreshold() {
        try (var h = new SessionTopologyFixture()) {
            h.send(event("evt_s1", S, SessionStatus.FULFILLMENT_PROCESSING, 1));
            h.driver.advanceWallClockTime(Duration.ofMinutes(29));
            assertThat(h.alerts.isEmpty()).isTrue();

            h.driver.advanceWallClockTime(Duration.ofMinutes(2));
            List<SessionAlert> first = h.alerts.readValuesToList();
            assertThat(first).hasSize(1);
            assertThat(first.get(0).getSequence()).isEqualTo(1);
            assertThat(first.get(0).getSessionId()).isEqualTo(S);

            h.driver.advanceWallClockTime(Duration.ofMinutes(5));
            assertThat(h.alerts.isEmpty()).as("no repeat before the next threshold").isTrue();
            h.driver.advanceWallClockTime(Duration.ofMinutes(25));
            assertThat(h.alerts.readValuesToList()).extracting(SessionAlert::getSequence).containsExactly(2);

            h.send(event("evt_s2", S, SessionStatus.FULFILLMENT_COMPLETE, 2));
            h.driver.advanceWallClockTime(Duration.ofHours(3));
            assertThat(h.alerts.isEmpty()).as("a finished session is not stalled").isTrue();
            assertThat(h.state(S).getAlertsSent()).isZero();
        }
    }

    @Test
    void sessionsAreIndependent() {
        try (var h = new SessionTopologyFixture()) {
            h.sendAll(lifecycle("cos_SessionNumberOne1"));
            h.sendAll(lifecycle("cos_SessionNumberTwo2").subList(0, 3));
            assertThat(h.outcomesBySession()).containsOnlyKeys("cos_SessionNumberOne1");
            assertThat(h.latestStates().get("cos_SessionNumberTwo2").getStatus()).isEqualTo(SessionStatus.FULFILLMENT_PROCESSING);
        }
    }
}
