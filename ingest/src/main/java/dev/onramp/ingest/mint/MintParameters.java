package dev.onramp.ingest.mint;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onramp.runtime.net.IpLiteral;

/**
 * The creation parameters of {@code POST /v1/crypto/onramp_sessions}, checked against every rule Stripe's reference
 * states before Stripe is called (each broken rule is its own 400 naming the parameter), and turned into the form
 * parameters Stripe takes. One method per rule, in the reference's order.
 *
 * <p>Precisions are each currency's smallest unit on its chain: eth 18 (wei), matic 18 (POL/MATIC is an 18-decimal
 * token, as every ERC-20 by default), sol 9 (lamports), usdc 6 (Circle's USDC contracts on every chain use 6),
 * btc 8 (satoshis). The reference gives eth's 18 and says "full precision" for the rest.
 */
public final class MintParameters {
    static final Set<String> NETWORKS = Set.of("solana", "ethereum", "bitcoin", "polygon");
    static final Map<String, Integer> PRECISION = Map.of("eth", 18, "matic", 18, "sol", 9, "usdc", 6, "btc", 8);
    private static final Set<String> KNOWN = Set.of("wallet_addresses", "lock_wallet_address", "source_currency", "source_amount",
            "destination_network", "destination_networks", "destination_currency", "destination_currencies", "destination_amount",
            "customer_ip_address", "customer_information", "appearance", "recipient");
    static final Set<String> THEMES = Set.of("light", "dark");

    private MintParameters() {
    }

    /** The form parameters for Stripe, after every rule held. */
    public static Map<String, Object> validate(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw MintRefused.invalid(null, "the body must be a JSON object of the session's creation parameters");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw MintRefused.invalid(name, "Received unknown parameter: " + name);
            }
        }
        Map<String, Object> form = new LinkedHashMap<>();
        List<String> networks = networks(body, form);
        String network = network(body, networks, form);
        List<String> currencies = currencies(body, form);
        String currency = currency(body, currencies, form);
        amounts(body, network, currency, form);
        sourceCurrency(body, form);
        walletAddresses(body, networks, network, form);
        lockWalletAddress(body, form);
        customerIpAddress(body, form);
        appearance(body, form);
        CustomerInformation.validate(body.get("customer_information"), form);
        return form;
    }

    /** A non-empty array of {solana, ethereum, bitcoin, polygon}. */
    static List<String> networks(JsonNode body, Map<String, Object> form) {
        List<String> networks = nonEmptyArray(body, "destination_networks", NETWORKS);
        if (networks != null) {
            form.put("destination_networks", networks);
        }
        return networks;
    }

    /** One of the networks, and one of {@code destination_networks} when that is set. */
    static String network(JsonNode body, List<String> networks, Map<String, Object> form) {
        String network = text(body, "destination_network");
        if (network == null) {
            return null;
        }
        if (!NETWORKS.contains(network)) {
            throw MintRefused.invalid("destination_network", "destination_network must be one of " + sorted(NETWORKS) + ", not " + network);
        }
        if (networks != null && !networks.contains(network)) {
            throw MintRefused.invalid("destination_network", "destination_network must be one of destination_networks " + networks);
        }
        form.put("destination_network", network);
        return network;
    }

    /** A non-empty array of {eth, matic, sol, usdc, btc}. */
    static List<String> currencies(JsonNode body, Map<String, Object> form) {
        List<String> currencies = nonEmptyArray(body, "destination_currencies", PRECISION.keySet());
        if (currencies != null) {
            form.put("destination_currencies", currencies);
        }
        return currencies;
    }

    /** One of the currencies, and one of {@code destination_currencies} when that is set. */
    static String currency(JsonNode body, List<String> currencies, Map<String, Object> form) {
        String currency = text(body, "destination_currency");
        if (currency == null) {
            return null;
        }
        if (!PRECISION.containsKey(currency)) {
            throw MintRefused.invalid("destination_currency", "destination_currency must be one of " + sorted(PRECISION.keySet())
                    + ", not " + currency);
        }
        if (currencies != null && !currencies.contains(currency)) {
            throw MintRefused.invalid("destination_currency", "destination_currency must be one of destination_currencies " + currencies);
        }
        form.put("destination_currency", currency);
        return currency;
    }

    /**
     * {@code source_amount} xor {@code destination_amount}; a source amount in whole cents; a destination amount
     * with its currency and network, within the currency's precision; both positive.
     */
    static void amounts(JsonNode body, String network, String currency, Map<String, Object> form) {
        BigDecimal source = amount(body, "source_amount");
        BigDecimal destination = amount(body, "destination_amount");
        if (source != null && destination != null) {
            throw MintRefused.invalid("destination_amount", "source_amount and destination_amount are mutually exclusive: set one");
        }
        if (source != null) {
            if (Math.max(0, source.stripTrailingZeros().scale()) > 2) {
                throw MintRefused.invalid("source_amount", "source_amount cannot have fractional cents: at most 2 decimal places");
            }
            form.put("source_amount", source.toPlainString());
        }
        if (destination != null) {
            if (currency == null || network == null) {
                throw MintRefused.invalid("destination_amount", "destination_amount needs destination_currency and destination_network");
            }
            int precision = PRECISION.get(currency);
            if (Math.max(0, destination.stripTrailingZeros().scale()) > precision) {
                throw MintRefused.invalid("destination_amount", "destination_amount has more decimal places than " + currency
                        + " supports (" + precision + ")");
            }
            form.put("destination_amount", destination.toPlainString());
        }
    }

    /** usd only, for now. */
    static void sourceCurrency(JsonNode body, Map<String, Object> form) {
        String currency = text(body, "source_currency");
        if (currency == null) {
            return;
        }
        if (!currency.equals("usd")) {
            throw MintRefused.invalid("source_currency", "source_currency must be usd (the only fiat currency the onramp supports)");
        }
        form.put("source_currency", currency);
    }

    /**
     * Network → address, with an optional nested {@code destination_tags} (asset → tag); setting it needs
     * {@code destination_networks} or {@code destination_network}.
     */
    static void walletAddresses(JsonNode body, List<String> networks, String network, Map<String, Object> form) {
        JsonNode wallets = body.get("wallet_addresses");
        if (wallets == null || wallets.isNull()) {
            return;
        }
        if (!wallets.isObject() || wallets.isEmpty()) {
            throw MintRefused.invalid("wallet_addresses", "wallet_addresses must be an object of network to address");
        }
        if (networks == null && network == null) {
            throw MintRefused.invalid("wallet_addresses", "wallet_addresses needs destination_networks or destination_network");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = wallets.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("destination_tags")) {
                out.put("destination_tags", stringMap(entry.getValue(), "wallet_addresses[destination_tags]"));
            } else if (!NETWORKS.contains(entry.getKey()) || !entry.getValue().isTextual() || entry.getValue().asText().isBlank()
                    || entry.getValue().asText().length() > 128) {
                throw MintRefused.invalid("wallet_addresses[" + entry.getKey() + "]",
                        "wallet_addresses keys must be networks " + sorted(NETWORKS) + ", each with an address");
            } else {
                out.put(entry.getKey(), entry.getValue().asText());
            }
        }
        form.put("wallet_addresses", out);
    }

    static void lockWalletAddress(JsonNode body, Map<String, Object> form) {
        JsonNode lock = body.get("lock_wallet_address");
        if (lock == null || lock.isNull()) {
            return;
        }
        if (!lock.isBoolean()) {
            throw MintRefused.invalid("lock_wallet_address", "lock_wallet_address must be true or false");
        }
        form.put("lock_wallet_address", lock.asBoolean());
    }

    /** An IPv4 or IPv6 address, read by the JDK's parser without a lookup: Stripe checks the customer's geography from it. */
    static void customerIpAddress(JsonNode body, Map<String, Object> form) {
        String ip = text(body, "customer_ip_address");
        if (ip == null) {
            return;
        }
        if (!ip.equals(ip.strip()) || ip.startsWith("[") || IpLiteral.parse(ip).isEmpty()) {
            throw MintRefused.invalid("customer_ip_address", "customer_ip_address must be an IPv4 or IPv6 address");
        }
        form.put("customer_ip_address", ip);
    }

    /**
     * The onramp's look: {@code {"theme": "light" | "dark"}} (Stripe's default is light; the platform's branding
     * settings apply either way). Passed on as {@code appearance[theme]}.
     */
    static void appearance(JsonNode body, Map<String, Object> form) {
        JsonNode appearance = body.get("appearance");
        if (appearance == null || appearance.isNull()) {
            return;
        }
        if (!appearance.isObject()) {
            throw MintRefused.invalid("appearance", "appearance must be an object, such as {\"theme\": \"dark\"}");
        }
        for (Iterator<String> names = appearance.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("theme")) {
                throw MintRefused.invalid("appearance[" + name + "]", "Received unknown parameter: appearance[" + name + "]");
            }
        }
        JsonNode theme = appearance.get("theme");
        if (theme == null || theme.isNull()) {
            return;
        }
        if (!theme.isTextual() || !THEMES.contains(theme.asText())) {
            throw MintRefused.invalid("appearance[theme]", "appearance[theme] must be one of " + sorted(THEMES) + ", not " + theme);
        }
        form.put("appearance", Map.of("theme", theme.asText()));
    }

    private static List<String> nonEmptyArray(JsonNode body, String name, Set<String> allowed) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw MintRefused.invalid(name, name + " must be a non-empty array");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : node) {
            if (!value.isTextual() || !allowed.contains(value.asText())) {
                throw MintRefused.invalid(name, name + " values must each be one of " + sorted(allowed) + ", not " + value);
            }
            values.add(value.asText());
        }
        return values;
    }

    private static BigDecimal amount(JsonNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            BigDecimal value = node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText());
            if (value.signum() <= 0 || value.precision() - value.scale() > 15) {
                throw MintRefused.invalid(name, name + " must be a positive amount");
            }
            return value;
        } catch (NumberFormatException e) {
            throw MintRefused.invalid(name, name + " must be a decimal amount, such as \"100.00\"");
        }
    }

    static Map<String, Object> stringMap(JsonNode node, String param) {
        if (!node.isObject()) {
            throw MintRefused.invalid(param, param + " must be an object of strings");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isValueNode() || entry.getValue().isNull() || entry.getValue().asText().length() > 256) {
                throw MintRefused.invalid(param + "[" + entry.getKey() + "]", param + " values must be strings");
            }
            out.put(entry.getKey(), entry.getValue().asText());
        }
        return out;
    }

    static String text(JsonNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw MintRefused.invalid(name, name + " must be a string");
        }
        return node.asText();
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
