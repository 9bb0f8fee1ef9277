package dev.onramp.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Realistic records for the contract tests. */
public final class ContractSamples {
    private ContractSamples() {
    }

    public static OnrampSessionEvent sessionEvent(String sessionId, SessionStatus status) {
        return OnrampSessionEvent.newBuilder()
                .setEventId("evt_1Nq0X2L7rEXAMPLE")
                .setEventType("crypto.onramp_session_updated")
                .setEventCreated(Instant.ofEpochSecond(1_700_000_000L))
                .setLivemode(false)
                .setApiVersion("2023-10-16")
                .setSessionId(sessionId)
                .setStatus(status)
                .setStatusRaw(status.name().toLowerCase(Locale.ROOT))
                .setSessionCreated(Instant.ofEpochSecond(1_699_999_000L))
                .setKycDetailsProvided(true)
                .setTransactionDetails(TransactionDetails.newBuilder()
                        .setDestinationAmount("0.123456789012345678")
                        .setDestinationCurrency("eth")
                        .setDestinationNetwork("ethereum")
                        .setDestinationCurrencies(List.of("eth", "usdc"))
                        .setDestinationNetworks(List.of("ethereum", "polygon"))
                        .setFees(Fees.newBuilder().setNetworkFeeAmount("0.89").setTransactionFeeAmount("2.73").build())
                        .setSourceAmount("250.00")
                        .setSourceCurrency("usd")
                        .setWalletAddress("0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2")
                        .setWalletAddresses(Map.of("ethereum", "0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2"))
                        .build())
                .setReceivedAt(Instant.ofEpochMilli(1_700_000_001_234L))
                .build();
    }
}
