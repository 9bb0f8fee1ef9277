package dev.onramp.processor.session;

import static dev.onramp.processor.session.SessionTopologyFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.session.state.SessionStateMachine;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sessions, delivered in random order with random duplicates and split events: the final state of each is
 * its furthest status, and there is exactly one outcome per terminal session and none for the rest.
 */
class SessionOrderPropertyTest {
    private static final List<SessionStatus> FULFILLED_PATH = List.of(SessionStatus.INITIALIZED,
            SessionStatus.REQUIRES_PAYMENT, SessionStatus.FULFILLMENT_PROCESSING, SessionStatus.FULFILLMENT_COMPLETE);

    /** One session's true lifecycle: statuses it went through, in order, with created seconds (ties allowed). */
    record Lifecycle(String sessionId, List<SessionStatus> path, List<Integer> created) {
        SessionStatus furthest() {
            return path.get(path.size() - 1);
        }
    }

    @Provide
    Arbitrary<List<Lifecycle>> sessions() {
        Arbitrary<Lifecycle> one = Combinators.combine(
                        Arbitraries.integers().between(1, 4),     // how far along the fulfilled path
                        Arbitraries.of(false, true),              // rejected instead of going further
                        Arbitraries.integers().between(0, 2).list().ofSize(4))  // seconds between events (0 = tie)
                .as((length, rejected, gaps) -> {
                    List<SessionStatus> path = new ArrayList<>(FULFILLED_PATH.subList(0, length));
                    if (rejected && length < 4) {
                        path.add(SessionStatus.REJECTED);
                    }
                    List<Integer> created = new ArrayList<>();
                    int t = 0;
                    for (int i = 0; i < path.size(); i++) {
                        t += gaps.get(i);
                        created.add(t);
                    }
                    return new Lifecycle(null, path, created);
                });
        return one.list().ofMinSize(1).ofMaxSize(12).map(list -> {
            List<Lifecycle> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                named.add(new Lifecycle(String.format("cos_Property%08d", i), list.get(i).path(), list.get(i).created()));
            }
            return named;
        });
    }

    @Property(tries = 150)
    void finalStateIsTheFurthestStatusAndOutcomesAreExactlyOnePerTerminalSession(
            @ForAll("sessions") List<Lifecycle> sessions, @ForAll long seed) {
        Random random = new Random(seed);
        List<OnrampSessionEvent> deliveries = new ArrayList<>();
        for (Lifecycle session : sessions) {
            for (int i = 0; i < session.path().size(); i++) {
                SessionStatus status = session.path().get(i);
                OnrampSessionEvent event = event(session.sessionId() + "_evt" + i, session.sessionId(), status, session.created().get(i));
                deliveries.add(event);
                int duplicates = random.nextInt(3);
                for (int d = 0; d < duplicates; d++) {
                    deliveries.add(event);
                }
                if (random.nextInt(4) == 0) {
                    // Stripe sometimes sends a second event object for the same change.
                    deliveries.add(event(session.sessionId() + "_evt" + i + "_split", session.sessionId(), status, session.created().get(i)));
                }
            }
        }
        Collections.shuffle(deliveries, random);

        try (var h = new SessionTopologyFixture()) {
            h.sendAll(deliveries);
            Map<String, SessionState> table = h.latestStates();
            Map<String, List<SessionOutcome>> outcomes = h.outcomesBySession();
            for (Lifecycle session : sessions) {
                SessionState state = table.get(session.sessionId());
                assertThat(state.getStatus()).as(session.toString()).isEqualTo(session.furthest());
                List<SessionOutcome> mine = outcomes.getOrDefault(session.sessionId(), List.of());
                if (SessionStateMachine.isTerminal(session.furthest())) {
                    assertThat(mine).as(session.toString()).hasSize(1);
                    assertThat(mine.get(0).getOutcome()).isEqualTo(session.furthest() == SessionStatus.REJECTED
                            ? OutcomeKind.REJECTED : OutcomeKind.FULFILLED);
                } else {
                    assertThat(mine).as(session.toString()).isEmpty();
                }
            }
            assertThat(outcomes.keySet()).allMatch(id -> sessions.stream().anyMatch(s -> s.sessionId().equals(id)));
        }
    }
}
