package dev.onramp.ingest.mint;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onramp.ingest.recipient.RecipientRequest;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.schemas.SessionRecipient;

/**
 * Whom to tell about a minted session: the mint's {@code recipient} (the recipient API's shape), or else
 * {@code customer_information.email}; {@code "recipient": null} for nobody. Checked before Stripe is called.
 *
 * <p>An explicit recipient that is not valid refuses the mint (the platform chose it). The customer's email is
 * free-form at Stripe: when it is not an address the pipeline sends to (the recipient API's rule: an ASCII
 * address), the mint goes on without a recipient and its answer says so ({@link Choice.Skipped}).
 */
record MintRecipient(String email, String pushSubscription, String webhookUrl, String locale) {

    /** What the mint decided about its recipient. */
    sealed interface Choice {
        /** Someone to tell. */
        record Recipient(MintRecipient recipient) implements Choice {
        }

        /** Nobody: {@code "recipient": null}, or no recipient and no customer email. */
        record Nobody() implements Choice {
        }

        /** The customer's email could not be the default recipient; the platform may register one later. */
        record Skipped(String reason) implements Choice {
        }
    }

    static Choice of(JsonNode body, OutboundUrlPolicy urls) {
        JsonNode given = body.get("recipient");
        if (given != null && given.isNull()) {
            return new Choice.Nobody();
        }
        if (given == null) {
            JsonNode email = body.path("customer_information").path("email");
            if (!email.isTextual()) {
                return new Choice.Nobody();
            }
            try {
                return new Choice.Recipient(new MintRecipient(RecipientRequest.validEmail(email.asText()), null, null, "en"));
            } catch (ApiError e) {
                return new Choice.Skipped("customer_information.email is not used as the recipient: " + e.getMessage()
                        + "; register one with PUT /v1/sessions/{id}/recipient");
            }
        }
        try {
            return new Choice.Recipient(explicit(given, urls));
        } catch (ApiError e) {
            throw MintRefused.invalid("recipient", e.getMessage());
        }
    }

    private static MintRecipient explicit(JsonNode given, OutboundUrlPolicy urls) {
        if (!given.isObject()) {
            throw MintRefused.invalid("recipient", "recipient must be an object like the recipient API's, or null");
        }
        MintRecipient recipient = new MintRecipient(
                given.hasNonNull("email") ? RecipientRequest.validEmail(given.get("email").asText()) : null,
                RecipientRequest.validPushSubscription(given.get("push_subscription"), urls),
                RecipientRequest.validWebhookUrl(given.hasNonNull("webhook_url") ? given.get("webhook_url").asText() : null, urls),
                RecipientRequest.validLocale(given.hasNonNull("locale") ? given.get("locale").asText() : null));
        if (recipient.email() == null && recipient.pushSubscription() == null && recipient.webhookUrl() == null) {
            throw MintRefused.invalid("recipient", "recipient names no channel: give email, push_subscription or webhook_url, or null");
        }
        return recipient;
    }

    SessionRecipient toRecord(String sessionId, Instant at) {
        return SessionRecipient.newBuilder().setSessionId(sessionId).setEmail(email).setPushSubscription(pushSubscription)
                .setWebhookUrl(webhookUrl).setLocale(locale).setUpdatedAt(at).build();
    }
}
