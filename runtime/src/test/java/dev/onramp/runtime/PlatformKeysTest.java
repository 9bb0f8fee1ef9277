package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlatformKeysTest {
    private static final String OLD = "pk_old_9f3a61c2e8b74d05";
    private static final String NEW = "pk_new_27d0be94a5c13f86";

    @Test
    void duringARotationEitherKeyIsAcceptedAndNothingElse() {
        PlatformKeys keys = PlatformKeys.fromEnv(new Env(Map.of("PLATFORM_API_KEYS", OLD + "," + NEW)));
        assertThat(keys.accepts(OLD)).isTrue();
        assertThat(keys.accepts(NEW)).isTrue();
        assertThat(keys.accepts(OLD + "x")).isFalse();
        assertThat(keys.accepts("")).isFalse();
        assertThat(keys.accepts(null)).isFalse();
        assertThat(keys.toString()).isEqualTo("PlatformKeys[2 keys]").doesNotContain(OLD);
    }

    @Test
    void theSingleKeyVariableStillWorks() {
        assertThat(PlatformKeys.fromEnv(new Env(Map.of("PLATFORM_API_KEY", OLD))).accepts(OLD)).isTrue();
    }

    @Test
    void shortRepetitiveOrSpacedKeysAreRefusedAtStartUp() {
        for (String weak : List.of("aaaaaaaaaaaaaaaa", "abababababababababab", "short-key-1", "password password1")) {
            assertThatThrownBy(() -> PlatformKeys.of(List.of(weak))).as(weak).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining(weak);
        }
        assertThatThrownBy(() -> PlatformKeys.fromEnv(new Env(Map.of()))).isInstanceOf(IllegalArgumentException.class);
    }
}
