package dev.onramp.ingest.mint;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onramp.ingest.recipient.RecipientRequest;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.schemas.SessionRecipient;

/**
 * Whom to tell about a minted session: the mint's {@code recipient} (the recipient API's shape), or else
 * {@code customer_information.email}; {@code "recipient": null} for nobody. Checked before Stripe is called.
 */
record MintRecipient(String email, String pushSubscription, String webhookUrl, String locale) {

    static Optional<MintRecipient> of(JsonNode body, OutboundUrlPolicy urls) {
        JsonNode given = body.get("recipient");
        if (given != null && given.isNull()) {
            return Optional.empty();
        }
        try {
            if (given == null) {
                JsonNode email = body.path("customer_information").path("email");
                return email.isTextual() ? Optional.of(new MintRecipient(RecipientRequest.validEmail(email.asText()), null, null, "en"))
                        : Optional.empty();
            }
            return Optional.of(explicit(given, urls));
        } catch (ApiError e) {
            throw given == null
                    ? MintRefused.invalid("customer_information[email]", e.getMessage() + " (pass recipient explicitly, or recipient: null)")
                    : MintRefused.invalid("recipient", e.getMessage());
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
