package dev.onramp.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.onramp.runtime.Env;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    private static Map<String, String> env(String maxBody) {
        Map<String, String> env = new HashMap<>(Map.of("STRIPE_WEBHOOK_SECRETS", "whsec_config_test_0123456789",
                "PLATFORM_API_KEY", "pk_config_test_9f3a61c2e8"));
        if (maxBody != null) {
            env.put("INGEST_MAX_BODY_BYTES", maxBody);
        }
        return env;
    }

    @Test
    void theBodyLimitStaysBelowWhatKafkaCanHold() {
        assertThat(IngestConfig.fromEnv(new Env(env(null))).maxBodyBytes()).isEqualTo(256 * 1024);
        assertThat(IngestConfig.fromEnv(new Env(env(String.valueOf(700 * 1024)))).maxBodyBytes()).isEqualTo(700 * 1024);
        assertThatThrownBy(() -> IngestConfig.fromEnv(new Env(env(String.valueOf(1 << 20)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 MiB");
    }

    @Test
    void healthAndMetricsAreOffThePublicPortByDefault() {
        IngestConfig config = IngestConfig.fromEnv(new Env(env(null)));
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.adminPort()).isEqualTo(8090);
        assertThat(config.toString()).doesNotContain("whsec_config_test").doesNotContain("pk_config_test");
    }

    @Test
    void theCommitLingerIsShortByDefaultAndBounded() {
        assertThat(IngestConfig.fromEnv(new Env(env(null))).commitLinger()).isEqualTo(Duration.ofMillis(20));
        assertThat(IngestConfig.fromEnv(new Env(env(null))).commitLingerRequests()).isEqualTo(32);
        Map<String, String> noRequests = env(null);
        noRequests.put("INGEST_COMMIT_LINGER_REQUESTS", "0");
        assertThatThrownBy(() -> IngestConfig.fromEnv(new Env(noRequests))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INGEST_COMMIT_LINGER_REQUESTS");
        Map<String, String> none = env(null);
        none.put("INGEST_COMMIT_LINGER", "0ms");
        assertThat(IngestConfig.fromEnv(new Env(none)).commitLinger()).isZero();
        Map<String, String> tooLong = env(null);
        tooLong.put("INGEST_COMMIT_LINGER", "2s");
        assertThatThrownBy(() -> IngestConfig.fromEnv(new Env(tooLong))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INGEST_COMMIT_LINGER");
    }
}
