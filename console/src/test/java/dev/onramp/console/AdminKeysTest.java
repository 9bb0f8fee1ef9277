package dev.onramp.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.onramp.runtime.Env;
import org.junit.jupiter.api.Test;

class AdminKeysTest {
    private static final String KEY = "admin-key-0123456789abcdef";

    @Test
    void aKeyIsKnownByAnIdThatDoesNotRevealIt() {
        AdminKeys keys = new AdminKeys(List.of(KEY, "second-admin-key-9876543210"));
        assertThat(keys.idOf(KEY)).hasValueSatisfying(id -> assertThat(id).matches("adm_[0-9a-f]{8}").doesNotContain(KEY.substring(0, 8)));
        assertThat(keys.idOf("second-admin-key-9876543210")).isNotEqualTo(keys.idOf(KEY));
        assertThat(keys.idOf("admin-key-0123456789abcdeX")).isEmpty();
        assertThat(keys.idOf(null)).isEmpty();
    }

    @Test
    void theConsoleNeedsAnAdminKeyAndNeverPrintsOne() {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092", "SCHEMA_REGISTRY_URL", "http://r:8085",
                "PLATFORM_API_KEY", "platform-key-0123456789ab");
        assertThatThrownBy(() -> ConsoleConfig.fromEnv(new Env(env))).hasMessageContaining("ADMIN_API_KEY");
        Map<String, String> withKey = new HashMap<>(env);
        withKey.put("ADMIN_API_KEY", KEY);
        withKey.put("CONSOLE_WATCH", "ingest=http://i:8090/ , notifier=http://n:8082");
        ConsoleConfig config = ConsoleConfig.fromEnv(new Env(withKey));
        assertThat(config.toString()).doesNotContain(KEY).doesNotContain("platform-key");
        assertThat(config.watched()).containsOnlyKeys("ingest", "notifier");
        assertThat(config.watched().get("ingest").toString()).isEqualTo("http://i:8090");
        assertThatThrownBy(() -> ConsoleConfig.watched("ingest")).hasMessageContaining("CONSOLE_WATCH");
    }

    @Test
    void anAdminKeyThatIsAlsoAPlatformKeyStopsStartUp() {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092", "SCHEMA_REGISTRY_URL", "http://r:8085",
                "PLATFORM_API_KEYS", "platform-key-0123456789ab, " + KEY, "ADMIN_API_KEYS", "other-admin-key-9876543210," + KEY);
        assertThatThrownBy(() -> ConsoleConfig.fromEnv(new Env(env))).hasMessageContaining("also a platform key")
                .hasMessageNotContaining(KEY);
    }
}
