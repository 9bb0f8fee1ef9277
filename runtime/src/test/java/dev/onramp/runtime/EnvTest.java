package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class EnvTest {
    @Test
    void printsNoValueSoNoSecretReachesALog() {
        Env env = new Env(Map.of("STRIPE_WEBHOOK_SECRETS", "whsec_do_not_print_me", "PLATFORM_API_KEY", "pk_do_not_print_me_0001"));
        assertThat(env.toString()).doesNotContain("do_not_print_me").contains("2 variables");
    }

    @Test
    void rotatingKeysAreTheListOrElseTheOneWhichIsThenRequired() {
        assertThat(new Env(Map.of("KEYS", " new-key , old-key", "KEY", "ignored")).rotating("KEYS", "KEY")).containsExactly("new-key", "old-key");
        assertThat(new Env(Map.of("KEY", " only-key ")).rotating("KEYS", "KEY")).containsExactly("only-key");
        assertThatThrownBy(() -> new Env(Map.of()).rotating("KEYS", "KEY")).hasMessageContaining("KEY must be set");
    }
}
