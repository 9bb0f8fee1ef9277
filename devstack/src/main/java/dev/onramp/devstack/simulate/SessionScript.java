package dev.onramp.devstack.simulate;

import java.util.List;

/**
 * One simulated session: how it ends, where its crypto goes, who is told, and the webhooks Stripe would send for
 * it, in the order the simulator will deliver them (quirks applied).
 */
public record SessionScript(String sessionId, Ending ending, String network, String currency, String recipientEmail,
                     boolean recipientAfterOutcome, List<Delivery> deliveries) {

    public enum Ending { FULFILLED, REJECTED, ABANDONED }

    /** One HTTP delivery of one Stripe event; a duplicate or redelivery repeats an event id. */
    public record Delivery(String eventId, String status, long created, boolean late) {
    }

    public boolean terminal() {
        return ending != Ending.ABANDONED;
    }

    public String finalStatus() {
        return switch (ending) {
            case FULFILLED -> "fulfillment_complete";
            case REJECTED -> "rejected";
            case ABANDONED -> "requires_payment";
        };
    }
}
