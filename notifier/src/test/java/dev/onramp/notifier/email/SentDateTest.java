package dev.onramp.notifier.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;

import jakarta.mail.internet.MailDateFormat;
import org.junit.jupiter.api.Test;

class SentDateTest {
    @Test
    void theHeaderIsAnRfc5322DateOfThatSecondWhicheverSecondCameBefore() throws Exception {
        Instant at = Instant.parse("2026-11-27T06:05:09.750Z");
        assertThat(SentDate.of(at)).isEqualTo("Fri, 27 Nov 2026 06:05:09 +0000");
        assertThat(SentDate.of(at.plusMillis(200))).isEqualTo("Fri, 27 Nov 2026 06:05:09 +0000");
        assertThat(SentDate.of(at.plusSeconds(1))).isEqualTo("Fri, 27 Nov 2026 06:05:10 +0000");
        assertThat(SentDate.of(at)).isEqualTo("Fri, 27 Nov 2026 06:05:09 +0000");
        // Mail clients parse it the way Jakarta Mail does.
        Date parsed = new MailDateFormat().parse(SentDate.of(at));
        assertThat(parsed.toInstant()).isEqualTo(Instant.parse("2026-11-27T06:05:09Z"));
    }
}
