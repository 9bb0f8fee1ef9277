package dev.onramp.notifier.deciding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExplorerLinksTest {
    @ParameterizedTest
    @CsvSource({
            "ethereum, true, https://etherscan.io/tx/abc123",
            "polygon, true, https://polygonscan.com/tx/abc123",
            "solana, true, https://solscan.io/tx/abc123",
            "bitcoin, true, https://mempool.space/tx/abc123",
            "ethereum, false, https://sepolia.etherscan.io/tx/abc123",
            "solana, false, https://solscan.io/tx/abc123?cluster=devnet",
            "bitcoin, false, https://mempool.space/testnet/tx/abc123"})
    void linksEachNetworksExplorer(String network, boolean live, String expected) {
        assertThat(ExplorerLinks.transaction(network, "abc123", live)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(value = {"unknownchain, abc", "ethereum, NULL", "ethereum, '<script>'"}, nullValues = "NULL")
    void noLinkWithoutAKnownNetworkAndAPlainTransactionId(String network, String transactionId) {
        assertThat(ExplorerLinks.transaction(network, transactionId, true)).isNull();
    }
}
