package dev.onramp.session.webhook;

/** A verified body that cannot become an event; it goes to the dead-letter topic with this reason. */
public final class UnmappableWebhook extends Exception {
    public UnmappableWebhook(String reason) {
        super(reason, null, false, false);
    }
}
