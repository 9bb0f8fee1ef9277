package dev.onramp.devstack.stripe;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds {@code crypto.onramp_session_updated} event bodies shaped like Stripe's: the standard event envelope
 * around a CryptoOnrampSession, with a client_secret, as Stripe sends them.
 */
public final class OnrampEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The seed's networks with a currency each, as the simulator spreads sessions over them. */
    public static final List<Map.Entry<String, String>> NETWORKS = List.of(
            Map.entry("ethereum", "eth"), Map.entry("ethereum", "usdc"),
            Map.entry("polygon", "matic"), Map.entry("polygon", "usdc"),
            Map.entry("solana", "sol"), Map.entry("solana", "usdc"),
            Map.entry("bitcoin", "btc"));

    private OnrampEvents() {
    }

    public static String clientSecretOf(String sessionId) {
        return sessionId + "_secret_" + Integer.toHexString(sessionId.hashCode() & 0x7fffffff) + "ZzQ9xW";
    }

    /** A session as Stripe would show it at {@code status}, fully described once payment details exist. */
    public static ObjectNode session(String sessionId, String status, String network, String currency,
                                     String transactionId, long created) {
        ObjectNode session = JSON.createObjectNode();
        session.put("id", sessionId);
        session.put("object", "crypto.onramp_session");
        session.put("client_secret", clientSecretOf(sessionId));
        session.put("created", created);
        session.put("kyc_details_provided", !status.equals("initialized"));
        session.put("livemode", false);
        session.putObject("metadata");
        session.putNull("redirect_url");
        session.put("status", status);
        ObjectNode details = session.putObject("transaction_details");
        details.put("destination_amount", amountFor(currency));
        details.put("destination_currency", currency);
        details.put("destination_network", network);
        details.putArray("destination_currencies").add(currency);
        details.putArray("destination_networks").add(network);
        ObjectNode fees = details.putObject("fees");
        fees.put("network_fee_amount", "0.89");
        fees.put("transaction_fee_amount", "2.73");
        details.put("lock_wallet_address", false);
        details.put("source_amount", "100.00");
        details.put("source_currency", "usd");
        if (transactionId != null) {
            details.put("transaction_id", transactionId);
        } else {
            details.putNull("transaction_id");
        }
        String wallet = walletFor(network, sessionId);
        details.put("wallet_address", wallet);
        details.putObject("wallet_addresses").put(network, wallet);
        return session;
    }

    /** The event envelope Stripe wraps around an object. */
    public static String event(String eventId, String type, long created, ObjectNode object) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", eventId);
        event.put("object", "event");
        event.put("api_version", "2023-10-16");
        event.put("created", created);
        event.putObject("data").set("object", object);
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.put("type", type);
        return event.toString();
    }

    public static String sessionUpdated(String eventId, String sessionId, String status, long created) {
        String transactionId = status.equals("fulfillment_complete") ? "0x" + "ab".repeat(32) : null;
        return event(eventId, "crypto.onramp_session_updated", created,
                session(sessionId, status, "ethereum", "eth", transactionId, created - 60));
    }

    public static String amountFor(String currency) {
        return switch (currency) {
            case "eth" -> "0.031415926535897932";
            case "btc" -> "0.00112233";
            case "sol" -> "0.612345678";
            case "matic" -> "143.250000000000000000";
            default -> "97.380000";
        };
    }

    public static String walletFor(String network, String sessionId) {
        String seed = Integer.toHexString(sessionId.hashCode() & 0x7fffffff);
        return switch (network) {
            case "bitcoin" -> "bc1q" + (seed + "0000000000000000000000000000000000").substring(0, 38);
            case "solana" -> ("So1" + seed + "1111111111111111111111111111111111111111").substring(0, 44);
            default -> "0x" + (seed + "0000000000000000000000000000000000000000").substring(0, 40);
        };
    }
}
