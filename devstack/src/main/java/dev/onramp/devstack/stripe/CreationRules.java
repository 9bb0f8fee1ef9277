package dev.onramp.devstack.stripe;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/**
 * The creation rules {@link FakeStripe} applies, written from the reference (not shared with ingest's own checks:
 * the stand-in must catch what ingest might let through). Each refusal is {@code param|message}.
 */
final class CreationRules {
    private static final Set<String> NETWORKS = Set.of("solana", "ethereum", "bitcoin", "polygon");
    private static final Set<String> THEMES = Set.of("light", "dark");
    private static final Set<String> PARAMETERS = Set.of("wallet_addresses", "lock_wallet_address", "source_currency", "source_amount",
            "destination_network", "destination_networks", "destination_currency", "destination_currencies", "destination_amount",
            "customer_ip_address", "customer_information", "appearance");
    private static final Map<String, Integer> CURRENCIES = Map.of("eth", 18, "matic", 18, "sol", 9, "usdc", 6, "btc", 8);

    private CreationRules() {
    }

    static String refusal(Map<String, String> form) {
        for (String key : form.keySet()) {
            int bracket = key.indexOf('[');
            if (!PARAMETERS.contains(bracket < 0 ? key : key.substring(0, bracket))) {
                return key + "|Received unknown parameter: " + key;
            }
        }
        if (form.containsKey("source_amount") && form.containsKey("destination_amount")) {
            return "destination_amount|You may only specify one of these parameters: source_amount, destination_amount.";
        }
        String values = values(form);
        if (values != null) {
            return values;
        }
        String amounts = amounts(form);
        if (amounts != null) {
            return amounts;
        }
        boolean wallets = form.keySet().stream().anyMatch(k -> k.startsWith("wallet_addresses["));
        boolean networks = form.keySet().stream().anyMatch(k -> k.startsWith("destination_networks[") || k.equals("destination_network"));
        return wallets && !networks ? "wallet_addresses|wallet_addresses requires destination_networks or destination_network." : null;
    }

    private static String values(Map<String, String> form) {
        for (Map.Entry<String, String> entry : form.entrySet()) {
            String key = entry.getKey();
            boolean network = key.startsWith("destination_networks[") || key.equals("destination_network");
            boolean currency = key.startsWith("destination_currencies[") || key.equals("destination_currency");
            if (network && !NETWORKS.contains(entry.getValue())) {
                return key + "|Invalid destination network: " + entry.getValue();
            }
            if (currency && !CURRENCIES.containsKey(entry.getValue())) {
                return key + "|Invalid destination currency: " + entry.getValue();
            }
        }
        if (form.containsKey("source_currency") && !form.get("source_currency").equals("usd")) {
            return "source_currency|Invalid source currency: " + form.get("source_currency");
        }
        for (String key : form.keySet()) {
            if (key.startsWith("appearance[") && !key.equals("appearance[theme]")) {
                return key + "|Received unknown parameter: " + key;
            }
        }
        if (form.containsKey("appearance[theme]") && !THEMES.contains(form.get("appearance[theme]"))) {
            return "appearance[theme]|Invalid appearance theme: " + form.get("appearance[theme]");
        }
        return null;
    }

    private static String amounts(Map<String, String> form) {
        if (form.containsKey("source_amount") && new BigDecimal(form.get("source_amount")).stripTrailingZeros().scale() > 2) {
            return "source_amount|Fractional cents are not supported.";
        }
        String amount = form.get("destination_amount");
        if (amount == null) {
            return null;
        }
        String currency = form.get("destination_currency");
        if (currency == null || !form.containsKey("destination_network")) {
            return "destination_amount|destination_amount requires destination_currency and destination_network.";
        }
        if (new BigDecimal(amount).stripTrailingZeros().scale() > CURRENCIES.get(currency)) {
            return "destination_amount|The amount exceeds the precision supported for " + currency + ".";
        }
        return null;
    }
}
