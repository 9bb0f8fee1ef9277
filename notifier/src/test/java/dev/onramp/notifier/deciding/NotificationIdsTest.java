package dev.onramp.notifier.deciding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.onramp.schemas.Channel;
import dev.onramp.schemas.OutcomeKind;
import org.junit.jupiter.api.Test;

class NotificationIdsTest {
    @Test
    void theIdDependsOnlyOnSessionOutcomeAndChannel() {
        String id = NotificationIds.of("cos_A", OutcomeKind.FULFILLED, Channel.EMAIL);
        assertThat(NotificationIds.of("cos_A", OutcomeKind.FULFILLED, Channel.EMAIL)).isEqualTo(id);
        assertThat(NotificationIds.of("cos_A", OutcomeKind.FULFILLED, Channel.PUSH)).isNotEqualTo(id);
        assertThat(NotificationIds.of("cos_B", OutcomeKind.FULFILLED, Channel.EMAIL)).isNotEqualTo(id);
        assertThat(id).matches("ntf_[0-9a-f]{32}");
    }

    @Test
    void theIdNeverChangesBetweenVersions() {
        // Ledgers, topics and Message-IDs already hold ids computed the way they were first computed.
        assertThat(NotificationIds.of("cos_A", OutcomeKind.FULFILLED, Channel.EMAIL)).isEqualTo("ntf_7070220b77393fe7b8587825fd741445");
        assertThat(NotificationIds.of("cos_1MjCq2Lc9bVfDxAoqNTvsExample", OutcomeKind.REJECTED, Channel.WEBHOOK))
                .isEqualTo("ntf_86c921d1ce773de3a4a0910bdfd11929");
        for (int i = 0; i < 500; i++) {
            String session = "cos_" + Integer.toString(i * 7919, 36) + "\u00e9";
            String name = session + "|REJECTED|PUSH";
            assertThat(NotificationIds.of(session, OutcomeKind.REJECTED, Channel.PUSH))
                    .isEqualTo("ntf_" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString().replace("-", ""));
        }
    }

    @Test
    void retriesBackOffAndStopAtTheWindow() {
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(24));
        Instant first = Instant.parse("2026-11-25T00:00:00Z");
        Instant afterOne = policy.nextAttempt(1, first, first).orElseThrow();
        assertThat(Duration.between(first, afterOne)).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(40));
        Instant afterFive = policy.nextAttempt(5, first, first).orElseThrow();
        assertThat(Duration.between(first, afterFive)).isBetween(Duration.ofSeconds(330), Duration.ofSeconds(630));
        assertThat(Duration.between(first, policy.nextAttempt(30, first, first).orElseThrow())).isLessThanOrEqualTo(Duration.ofHours(1));
        assertThat(policy.nextAttempt(3, first, first.plus(Duration.ofHours(24)))).isEmpty();
    }
}
