package dev.onramp.notifier.deciding;

import java.util.Locale;
import java.util.Map;

/**
 * The public block explorer page of a transaction, per network: mainnet explorers for live sessions, the matching
 * testnet explorer for test-mode sessions (whose transactions exist only there).
 */
public final class ExplorerLinks {
    private static final Map<String, String> LIVE = Map.of(
            "ethereum", "https://etherscan.io/tx/",
            "polygon", "https://polygonscan.com/tx/",
            "solana", "https://solscan.io/tx/",
            "bitcoin", "https://mempool.space/tx/",
            "base", "https://basescan.org/tx/",
            "avalanche", "https://snowtrace.io/tx/",
            "stellar", "https://stellar.expert/explorer/public/tx/");
    private static final Map<String, String> TEST = Map.of(
            "ethereum", "https://sepolia.etherscan.io/tx/",
            "polygon", "https://amoy.polygonscan.com/tx/",
            "solana", "https://solscan.io/tx/%s?cluster=devnet",
            "bitcoin", "https://mempool.space/testnet/tx/",
            "base", "https://sepolia.basescan.org/tx/",
            "avalanche", "https://testnet.snowtrace.io/tx/",
            "stellar", "https://stellar.expert/explorer/testnet/tx/");

    private ExplorerLinks() {
    }

    /** The explorer URL, or {@code null} when the network or the transaction id is unknown. */
    public static String transaction(String network, String transactionId, boolean livemode) {
        if (network == null || transactionId == null || transactionId.isBlank()
                || !transactionId.matches("[A-Za-z0-9]+")) {
            return null;
        }
        String base = (livemode ? LIVE : TEST).get(network.toLowerCase(Locale.ROOT));
        if (base == null) {
            return null;
        }
        return base.contains("%s") ? String.format(base, transactionId) : base + transactionId;
    }
}
