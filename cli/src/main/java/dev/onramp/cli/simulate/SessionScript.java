package dev.onramp.cli.simulate;

import java.util.List;

/**
 * One simulated session: how it ends, where its crypto goes, who is told, and the webhooks Stripe would send for
 * it, in the order the simulator will deliver them (quirks applied).
 */
record SessionScript(String sessionId, Ending ending, String network, String currency, String recipientEmail,
                     boolean recipientAfterOutcome, List<Delivery> deliveries) {

    enum Ending { FULFILLED, REJECTED, ABANDONED }

    /** One HTTP delivery of one Stripe event; a duplicate or redelivery repeats an event id. */
    record Delivery(String eventId, String status, long created, boolean late) {
    }

    boolean terminal() {
        return ending != Ending.ABANDONED;
    }

    String finalStatus() {
        return switch (ending) {
            case FULFILLED -> "fulfillment_complete";
            case REJECTED -> "rejected";
            case ABANDONED -> "requires_payment";
        };
    }
}
