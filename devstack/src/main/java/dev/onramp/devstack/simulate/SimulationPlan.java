package dev.onramp.devstack.simulate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import dev.onramp.devstack.stripe.OnrampEvents;

/**
 * A reproducible set of session lifecycles with Stripe's delivery quirks: duplicates, out-of-order delivery,
 * split events (two event objects for one change), and delayed redeliveries sent after everything else.
 */
public record SimulationPlan(List<SessionScript> sessions) {

    public Set<String> sessionIds() {
        return sessions.stream().map(SessionScript::sessionId).collect(Collectors.toUnmodifiableSet());
    }

    /** Sessions that end with a recipient registered: each should be told once. */
    public long toNotify() {
        return sessions.stream().filter(s -> s.terminal() && s.recipientEmail() != null).count();
    }

    public record Mix(double fulfilled, double rejected, double withRecipient) {
    }

    public record Quirks(boolean duplicates, boolean outOfOrder, boolean splitEvents, boolean delayedRedelivery) {
        public static Quirks all() {
            return new Quirks(true, true, true, true);
        }

        public static Quirks none() {
            return new Quirks(false, false, false, false);
        }
    }

    public static SimulationPlan generate(int count, Mix mix, Quirks quirks, long seed) {
        Random random = new Random(seed);
        long base = System.currentTimeMillis() / 1000 - 60;
        List<SessionScript> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sessions.add(script(String.format("cos_Sim%08X%08d", seed & 0xffffffffL, i), mix, quirks, base, random));
        }
        return new SimulationPlan(sessions);
    }

    // Every draw from the random source happens in one fixed order, so a seed replays the same plan.
    private static SessionScript script(String sessionId, Mix mix, Quirks quirks, long base, Random random) {
        double roll = random.nextDouble();
        SessionScript.Ending ending = roll < mix.fulfilled() ? SessionScript.Ending.FULFILLED
                : roll < mix.fulfilled() + mix.rejected() ? SessionScript.Ending.REJECTED : SessionScript.Ending.ABANDONED;
        Map.Entry<String, String> networkCurrency = OnrampEvents.NETWORKS.get(random.nextInt(OnrampEvents.NETWORKS.size()));
        List<String> statuses = switch (ending) {
            case FULFILLED -> List.of("initialized", "requires_payment", "fulfillment_processing", "fulfillment_complete");
            case REJECTED -> random.nextBoolean() ? List.of("initialized", "rejected") : List.of("initialized", "requires_payment", "rejected");
            case ABANDONED -> List.of("initialized", "requires_payment");
        };
        List<SessionScript.Delivery> deliveries = deliveries(sessionId, statuses, base + random.nextInt(30), quirks, random);
        if (quirks.outOfOrder() && random.nextDouble() < 0.5) {
            List<SessionScript.Delivery> onTime = new ArrayList<>(deliveries.stream().filter(d -> !d.late()).toList());
            Collections.shuffle(onTime, random);
            onTime.addAll(deliveries.stream().filter(SessionScript.Delivery::late).toList());
            deliveries = onTime;
        }
        String email = random.nextDouble() < mix.withRecipient() ? "buyer+" + sessionId.toLowerCase(Locale.ROOT) + "@example.com" : null;
        return new SessionScript(sessionId, ending, networkCurrency.getKey(), networkCurrency.getValue(),
                email, random.nextBoolean(), deliveries);
    }

    /** Each status once, in order, plus Stripe's quirks: repeats, a second event id for one change, a late redelivery. */
    private static List<SessionScript.Delivery> deliveries(String sessionId, List<String> statuses, long created, Quirks quirks,
                                                           Random random) {
        List<SessionScript.Delivery> deliveries = new ArrayList<>();
        for (int s = 0; s < statuses.size(); s++) {
            created += random.nextInt(2);  // one-second resolution: ties happen
            String eventId = "evt_" + sessionId.substring(4) + "_" + s;
            deliveries.add(new SessionScript.Delivery(eventId, statuses.get(s), created, false));
            if (quirks.duplicates() && random.nextDouble() < 0.3) {
                deliveries.add(new SessionScript.Delivery(eventId, statuses.get(s), created, false));
            }
            if (quirks.splitEvents() && random.nextDouble() < 0.15) {
                deliveries.add(new SessionScript.Delivery(eventId + "_split", statuses.get(s), created, false));
            }
            if (quirks.delayedRedelivery() && random.nextDouble() < 0.1) {
                deliveries.add(new SessionScript.Delivery(eventId, statuses.get(s), created, true));
            }
        }
        return deliveries;
    }
}
