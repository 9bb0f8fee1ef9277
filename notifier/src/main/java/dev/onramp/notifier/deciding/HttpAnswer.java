package dev.onramp.notifier.deciding;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** What an HTTP provider (a push service, a platform's endpoint) said about when to come back. */
public final class HttpAnswer {
    /** A provider may ask for a pause; we honour up to this much, the retry schedule does the rest. */
    private static final Duration LONGEST_PAUSE = Duration.ofHours(1);

    private HttpAnswer() {
    }

    /** {@code Retry-After} as seconds or an HTTP date (RFC 9110 §10.2.3); zero when absent or unreadable. */
    public static Duration retryAfter(HttpHeaders headers, Clock clock) {
        String value = headers.firstValue("Retry-After").map(String::trim).orElse("");
        if (value.isEmpty()) {
            return Duration.ZERO;
        }
        Duration wait;
        if (value.matches("[0-9]{1,9}")) {
            wait = Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                wait = Duration.between(clock.instant(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Duration.ZERO;
            }
        }
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : wait;
    }

    public static boolean succeeded(int status) {
        return status >= 200 && status < 300;
    }
}
