package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class EnvTest {
    @Test
    void printsNoValueSoNoSecretReachesALog() {
        Env env = new Env(Map.of("STRIPE_WEBHOOK_SECRETS", "whsec_do_not_print_me", "PLATFORM_API_KEY", "pk_do_not_print_me_0001"));
        assertThat(env.toString()).doesNotContain("do_not_print_me").contains("2 variables");
    }
}
