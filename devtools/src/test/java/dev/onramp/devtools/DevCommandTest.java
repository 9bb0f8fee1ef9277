package dev.onramp.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class DevCommandTest {

    @Test
    void printsASecretItGeneratedButNeverOneTheUserSet() {
        Map<String, String> given = Map.of("PLATFORM_API_KEY", "the-users-own-key-0123456789");

        assertThat(DevCommand.shown(given, "PLATFORM_API_KEY", "the-users-own-key-0123456789"))
                .doesNotContain("the-users-own-key").contains("not shown");
        assertThat(DevCommand.shown(given, "STRIPE_WEBHOOK_SECRETS", "whsec_generated")).isEqualTo("whsec_generated");
    }
}
