package dev.onramp.session.webhook;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onramp.schemas.EventSource;
import dev.onramp.schemas.Fees;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.TrustedContracts;
import dev.onramp.schemas.WebhookDeadLetter;

/**
 * Maps Stripe's event envelope ({@code id}, {@code type}, {@code created}, {@code livemode}, {@code api_version},
 * {@code data.object}) around a CryptoOnrampSession into an {@link OnrampSessionEvent}. It reads the redacted tree,
 * so a client secret cannot reach an event even by mistake.
 */
public final class WebhookMapper {
    static {
        // A record built here resolves our enums by class name; they must be trusted before the first one.
        TrustedContracts.trust();
    }

    private static final int MAX_DECIMAL_DIGITS = 40;
    /** The seed's spelling, and the dotted one seen in public integrations. */
    public static final Set<String> SESSION_EVENT_TYPES =
            Set.of("crypto.onramp_session_updated", "crypto.onramp_session.updated");

    /** The fields every verified event must have, of any type. */
    public record Envelope(String eventId, String type, String objectId) {
        public boolean isSessionEvent() {
            return SESSION_EVENT_TYPES.contains(type);
        }
    }

    /** The records a verified, redacted webhook becomes; unmappable when it is not JSON or lacks what its type needs. */
    public MappedWebhook map(ClientSecretRedactor.Redacted redacted, WebhookReceipt receipt) throws UnmappableWebhook {
        if (!redacted.isJson()) {
            throw new UnmappableWebhook("body is not JSON");
        }
        Envelope envelope = envelope(redacted.tree());
        Optional<OnrampSessionEvent> event = sessionEvent(redacted.tree(), envelope, receipt.receivedAt(), receipt.bodySha256());
        RawWebhook raw = RawWebhook.newBuilder()
                .setEventId(envelope.eventId())
                .setEventType(envelope.type())
                .setSessionId(envelope.isSessionEvent() ? envelope.objectId() : null)
                .setPayload(redacted.text())
                .setBodySha256(receipt.bodySha256())
                .setSignatureHeader(receipt.signatureHeader())
                .setVerifiedBy(receipt.verifiedBy())
                .setReceivedAt(receipt.receivedAt())
                .build();
        return new MappedWebhook(raw, event);
    }

    /**
     * A dead letter's webhook mapped again with this version's mapping, as the delivery it was: what a redrive
     * writes. The console checks a redrive with it and ingest carries the redrive out with it, so both map alike.
     */
    public MappedWebhook mapAgain(WebhookDeadLetter letter, ClientSecretRedactor redactor) throws UnmappableWebhook {
        ByteBuffer body = letter.getBody().duplicate();
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return map(redactor.redact(new String(bytes, StandardCharsets.UTF_8)), new WebhookReceipt(letter.getBodySha256(),
                letter.getSignatureHeader(), letter.getVerifiedBy(), letter.getReceivedAt()));
    }

    /** A verified webhook that could not be mapped, kept (redacted) with the reason, for a fix and a redrive. */
    public WebhookDeadLetter deadLetter(ClientSecretRedactor.Redacted redacted, WebhookReceipt receipt, String reason) {
        return WebhookDeadLetter.newBuilder()
                .setReason(reason)
                .setBody(ByteBuffer.wrap(redacted.text().getBytes(StandardCharsets.UTF_8)))
                .setBodySha256(receipt.bodySha256())
                .setSignatureHeader(receipt.signatureHeader())
                .setVerifiedBy(receipt.verifiedBy())
                .setReceivedAt(receipt.receivedAt())
                .build();
    }

    public Envelope envelope(JsonNode root) throws UnmappableWebhook {
        if (root == null || !root.isObject()) {
            throw new UnmappableWebhook("body is not a JSON object");
        }
        return new Envelope(requiredText(root, "id"), requiredText(root, "type"),
                requiredText(root.path("data").path("object"), "id", "data.object.id"));
    }

    public Optional<OnrampSessionEvent> sessionEvent(JsonNode root, Envelope envelope, Instant receivedAt, String bodySha256)
            throws UnmappableWebhook {
        if (!envelope.isSessionEvent()) {
            return Optional.empty();
        }
        JsonNode session = root.path("data").path("object");
        String statusRaw = requiredText(session, "status", "data.object.status");
        return Optional.of(OnrampSessionEvent.newBuilder()
                .setEventId(envelope.eventId())
                .setEventType(envelope.type())
                .setEventCreated(epochSeconds(root, "created", "created"))
                .setLivemode(root.path("livemode").asBoolean(false))
                .setApiVersion(text(root.get("api_version")))
                .setSessionId(envelope.objectId())
                .setStatus(status(statusRaw))
                .setStatusRaw(statusRaw)
                .setSessionCreated(session.hasNonNull("created") ? epochSeconds(session, "created", "data.object.created") : null)
                .setKycDetailsProvided(session.hasNonNull("kyc_details_provided") ? session.get("kyc_details_provided").asBoolean() : null)
                .setTransactionDetails(transactionDetails(session.get("transaction_details")))
                .setReceivedAt(receivedAt)
                .setBodySha256(bodySha256)
                .setSource(EventSource.WEBHOOK)
                .build());
    }

    /**
     * The session object as Stripe returned it (to a mint, or a reconciliation lookup) at {@code receivedAt}, as an
     * event of that {@code source}. Its event id is derived, so the same snapshot written twice is one event to the
     * processor. Stripe's session object holds no time of its status, so the time it was seen in that status is
     * the answer's ({@code status_observed_at}).
     */
    public OnrampSessionEvent snapshot(JsonNode session, EventSource source, String eventId, String eventType, Instant receivedAt)
            throws UnmappableWebhook {
        String statusRaw = requiredText(session, "status");
        Instant created = epochSeconds(session, "created", "created");
        return OnrampSessionEvent.newBuilder()
                .setEventId(eventId)
                .setEventType(eventType)
                // The session's own creation time: a snapshot can move a session forward by its status, and is never
                // newer than a webhook of the same status (so it never restarts a stall timer or re-ends a session).
                .setEventCreated(created)
                .setLivemode(session.path("livemode").asBoolean(false))
                .setApiVersion(null)
                .setSessionId(requiredText(session, "id"))
                .setStatus(status(statusRaw))
                .setStatusRaw(statusRaw)
                .setSessionCreated(created)
                .setKycDetailsProvided(session.hasNonNull("kyc_details_provided") ? session.get("kyc_details_provided").asBoolean() : null)
                .setTransactionDetails(transactionDetails(session.get("transaction_details")))
                .setReceivedAt(receivedAt)
                .setSource(source)
                .setStatusObservedAt(receivedAt)
                .build();
    }

    /** A status Stripe adds later is carried as UNKNOWN with its raw string, not refused. */
    static SessionStatus status(String raw) {
        try {
            return SessionStatus.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return SessionStatus.UNKNOWN;
        }
    }

    static TransactionDetails transactionDetails(JsonNode node) throws UnmappableWebhook {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode fees = node.get("fees");
        Map<String, String> wallets = new LinkedHashMap<>();
        JsonNode walletNode = node.get("wallet_addresses");
        if (walletNode != null && walletNode.isObject()) {
            walletNode.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual()) {
                    wallets.put(e.getKey(), e.getValue().textValue());
                }
            });
        }
        return TransactionDetails.newBuilder()
                .setDestinationAmount(text(node.get("destination_amount")))
                .setDestinationCurrency(text(node.get("destination_currency")))
                .setDestinationNetwork(text(node.get("destination_network")))
                .setDestinationCurrencies(strings(node.get("destination_currencies")))
                .setDestinationNetworks(strings(node.get("destination_networks")))
                .setFees(fees == null || !fees.isObject() ? null : Fees.newBuilder()
                        .setNetworkFeeAmount(text(fees.get("network_fee_amount")))
                        .setTransactionFeeAmount(text(fees.get("transaction_fee_amount")))
                        .build())
                .setLockWalletAddress(node.hasNonNull("lock_wallet_address") ? node.get("lock_wallet_address").asBoolean() : null)
                .setSourceAmount(text(node.get("source_amount")))
                .setSourceCurrency(text(node.get("source_currency")))
                .setTransactionId(text(node.get("transaction_id")))
                .setWalletAddress(text(node.get("wallet_address")))
                .setWalletAddresses(wallets)
                .build();
    }

    /**
     * Amounts stay text exactly as sent; a number Stripe might send is kept as its exact decimal text, within bounds:
     * {@code 1e999999999} parses cheaply but would print as a billion digits.
     */
    private static String text(JsonNode node) throws UnmappableWebhook {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        if (!node.isNumber()) {
            return node.asText();
        }
        BigDecimal value = node.decimalValue();
        if (Math.abs(value.scale()) > MAX_DECIMAL_DIGITS || value.precision() > MAX_DECIMAL_DIGITS) {
            throw new UnmappableWebhook("a number with more than " + MAX_DECIMAL_DIGITS + " digits or that exponent is no amount");
        }
        return value.toPlainString();
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(v -> {
                if (v.isTextual()) {
                    values.add(v.textValue());
                }
            });
        }
        return values;
    }

    private static String requiredText(JsonNode node, String field) throws UnmappableWebhook {
        return requiredText(node, field, field);
    }

    private static String requiredText(JsonNode node, String field, String path) throws UnmappableWebhook {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw new UnmappableWebhook("missing or empty " + path);
        }
        return value.textValue();
    }

    private static Instant epochSeconds(JsonNode node, String field, String path) throws UnmappableWebhook {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong()) {
            throw new UnmappableWebhook("missing or non-numeric " + path);
        }
        return Instant.ofEpochSecond(value.asLong());
    }
}
