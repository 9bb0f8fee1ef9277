package dev.onramp.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SuppressionKeysTest {
    @Test
    void anEmailIsTheSameAddressWhateverItsCaseAndNeverAppearsInTheKey() {
        assertThat(SuppressionKeys.key(Channel.EMAIL, "Buyer@Example.com")).isEqualTo(SuppressionKeys.key(Channel.EMAIL, "buyer@example.com"))
                .startsWith("EMAIL:").doesNotContain("buyer").doesNotContain("example");
        assertThat(SuppressionKeys.key(Channel.WEBHOOK, "https://a.example/X")).isNotEqualTo(SuppressionKeys.key(Channel.WEBHOOK, "https://a.example/x"));
    }

    @Test
    void theKeyIsTheContractsHashOfTheAddress() {
        // Other teams compute it too (lifting a suppression with a tombstone): base64url SHA-256, no padding.
        assertThat(SuppressionKeys.key(Channel.EMAIL, " Buyer@Example.com ")).isEqualTo("EMAIL:amwmGVw2gvqoFpZq94lxfDv6g07ubFmdZn0rNCnCfP0");
    }

    @Test
    void anUnsubscribeTokenVerifiesWithAnyCurrentSecretAndNotWhenTampered() {
        String token = SuppressionKeys.unsubscribeToken("old-secret-0123456789", "buyer@example.com");
        assertThat(token).doesNotContain("buyer");
        assertThat(SuppressionKeys.verifyUnsubscribeToken(List.of("new-secret-9876543210", "old-secret-0123456789"), token))
                .contains(SuppressionKeys.addressHash(Channel.EMAIL, "buyer@example.com"));
        assertThat(SuppressionKeys.verifyUnsubscribeToken(List.of("new-secret-9876543210"), token)).isEmpty();
        String otherHash = SuppressionKeys.addressHash(Channel.EMAIL, "victim@example.com");
        assertThat(SuppressionKeys.verifyUnsubscribeToken(List.of("old-secret-0123456789"),
                otherHash + token.substring(token.indexOf('.')))).isEmpty();
        assertThat(SuppressionKeys.verifyUnsubscribeToken(List.of("old-secret-0123456789"), "garbage")).isEmpty();
    }
}
