package dev.onramp.processor.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.TransactionDetails;

/**
 * A session as the query API shows it: shaped like Stripe's CryptoOnrampSession (status in Stripe's spelling,
 * transaction_details) plus what only we know: the history of events and the outcome.
 */
final class SessionView {
    private SessionView() {
    }

    static Map<String, Object> of(SessionState state) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", state.getSessionId());
        view.put("object", "crypto.onramp_session");
        view.put("status", state.getStatusRaw());
        view.put("livemode", state.getLivemode());
        view.put("kyc_details_provided", state.getKycDetailsProvided());
        view.put("status_since", state.getStatusSince().toString());
        view.put("last_event_id", state.getLastEventId());
        view.put("transaction_details", details(state.getTransactionDetails()));
        view.put("outcome", state.getOutcome() == null ? null : Map.of(
                "kind", state.getOutcome().name().toLowerCase(Locale.ROOT),
                "occurred_at", state.getOutcomeAt().toString()));
        view.put("anomalies", state.getAnomalies());
        view.put("history", state.getHistory().stream().map(change -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("event_id", change.getEventId());
            entry.put("status", change.getStatusRaw());
            entry.put("created", change.getEventCreated().toString());
            entry.put("received_at", change.getReceivedAt().toString());
            entry.put("disposition", change.getDisposition().name().toLowerCase(Locale.ROOT));
            return entry;
        }).toList());
        return view;
    }

    private static Map<String, Object> details(TransactionDetails d) {
        if (d == null) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("destination_amount", d.getDestinationAmount());
        view.put("destination_currency", d.getDestinationCurrency());
        view.put("destination_network", d.getDestinationNetwork());
        view.put("destination_currencies", List.copyOf(d.getDestinationCurrencies()));
        view.put("destination_networks", List.copyOf(d.getDestinationNetworks()));
        view.put("fees", d.getFees() == null ? null : Map.of(
                "network_fee_amount", String.valueOf(d.getFees().getNetworkFeeAmount()),
                "transaction_fee_amount", String.valueOf(d.getFees().getTransactionFeeAmount())));
        view.put("lock_wallet_address", d.getLockWalletAddress());
        view.put("source_amount", d.getSourceAmount());
        view.put("source_currency", d.getSourceCurrency());
        view.put("transaction_id", d.getTransactionId());
        view.put("wallet_address", d.getWalletAddress());
        view.put("wallet_addresses", Map.copyOf(d.getWalletAddresses()));
        return view;
    }
}
