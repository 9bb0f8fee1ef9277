package dev.onramp.notifier.push;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onramp.notifier.deciding.ExplorerLinks;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.TransactionDetails;

/**
 * The push message a service worker shows: {@code title}, {@code body}, {@code session_id}, {@code status} (Stripe's
 * terminal status) and {@code explorer_url} when there is a transaction. Texts from {@code messages*.properties} in
 * the recipient's language. Small on purpose: push services take at most 4 KB after encryption.
 */
final class PushPayload {
    private static final String BUNDLE = "dev.onramp.notifier.push.messages";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PushPayload() {
    }

    static String of(SessionOutcome outcome, String locale) {
        ResourceBundle texts = ResourceBundle.getBundle(BUNDLE, Locale.forLanguageTag(locale == null ? "en" : locale));
        boolean fulfilled = outcome.getOutcome() == OutcomeKind.FULFILLED;
        TransactionDetails details = outcome.getTransactionDetails();
        ObjectNode payload = JSON.createObjectNode();
        payload.put("title", texts.getString(fulfilled ? "fulfilled.title" : "rejected.title"));
        payload.put("body", fulfilled ? fulfilledBody(texts, details) : texts.getString("rejected.body"));
        payload.put("session_id", outcome.getSessionId());
        payload.put("status", fulfilled ? "fulfillment_complete" : "rejected");
        String explorer = details == null ? null
                : ExplorerLinks.transaction(details.getDestinationNetwork(), details.getTransactionId(), outcome.getLivemode());
        if (explorer != null) {
            payload.put("explorer_url", explorer);
        }
        return payload.toString();
    }

    private static String fulfilledBody(ResourceBundle texts, TransactionDetails details) {
        if (details == null || details.getDestinationAmount() == null || details.getDestinationCurrency() == null
                || details.getDestinationNetwork() == null) {
            return texts.getString("fulfilled.body.plain");
        }
        String network = details.getDestinationNetwork();
        return new MessageFormat(texts.getString("fulfilled.body"), texts.getLocale()).format(new Object[] {
            details.getDestinationAmount(), details.getDestinationCurrency().toUpperCase(Locale.ROOT),
            network.substring(0, 1).toUpperCase(Locale.ROOT) + network.substring(1)});
    }
}
