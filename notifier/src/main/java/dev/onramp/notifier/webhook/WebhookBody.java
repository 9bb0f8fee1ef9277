package dev.onramp.notifier.webhook;

import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onramp.notifier.deciding.ExplorerLinks;
import dev.onramp.notifier.deciding.Notification;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.TransactionDetails;

/**
 * The body of an outbound webhook, in the Standard Webhooks shape {@code {type, timestamp, data}}; documented in
 * notifier/README.md. Amounts are decimal strings exactly as Stripe sent them. No personal data: the platform
 * knows its user by the session id.
 */
final class WebhookBody {
    static final String FULFILLED = "onramp.session.fulfilled";
    static final String REJECTED = "onramp.session.rejected";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookBody() {
    }

    static String of(Notification notification) {
        SessionOutcome outcome = notification.outcome();
        boolean fulfilled = outcome.getOutcome() == OutcomeKind.FULFILLED;
        ObjectNode body = JSON.createObjectNode();
        body.put("type", fulfilled ? FULFILLED : REJECTED);
        body.put("timestamp", outcome.getOccurredAt().toString());
        ObjectNode data = body.putObject("data");
        data.put("notification_id", notification.id());
        data.put("session_id", outcome.getSessionId());
        data.put("status", fulfilled ? "fulfillment_complete" : "rejected");
        data.put("previous_status", outcome.getPreviousStatus().name().toLowerCase(Locale.ROOT));
        data.put("livemode", outcome.getLivemode());
        data.put("occurred_at", outcome.getOccurredAt().toString());
        data.put("deciding_event_id", outcome.getDecidingEventId());
        TransactionDetails details = outcome.getTransactionDetails();
        if (details != null) {
            data.put("source_amount", details.getSourceAmount());
            data.put("source_currency", details.getSourceCurrency());
            data.put("destination_amount", details.getDestinationAmount());
            data.put("destination_currency", details.getDestinationCurrency());
            data.put("destination_network", details.getDestinationNetwork());
            data.put("wallet_address", details.getWalletAddress());
            data.put("transaction_id", details.getTransactionId());
            data.put("explorer_url", ExplorerLinks.transaction(details.getDestinationNetwork(), details.getTransactionId(),
                    outcome.getLivemode()));
        }
        return body.toString();
    }
}
