package dev.onramp.notifier.email;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header (RFC 5322 section 3.3), formatted once per second: left to Jakarta Mail, every message
 * formats it anew through a {@code SimpleDateFormat}, a twelfth of the sender's CPU per email.
 */
final class SentDate {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

    private SentDate() {
    }

    static String now() {
        return of(Clock.systemUTC().instant());
    }

    static String of(Instant at) {
        long second = at.getEpochSecond();
        Formatted cached = last;
        if (cached.second() != second) {
            cached = new Formatted(second, FORMAT.format(Instant.ofEpochSecond(second)));
            last = cached;
        }
        return cached.text();
    }

    private record Formatted(long second, String text) {
    }
}
