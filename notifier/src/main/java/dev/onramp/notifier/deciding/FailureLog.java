package dev.onramp.notifier.deciding;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;

/**
 * Failed attempts, loud but not flooding: each kind of failure (the reason with its numbers and addresses taken
 * out) is logged in full at WARN the first time in a period, and the rest of that period's failures of that kind
 * are summed up in one line when the next one comes after it. An SMTP outage with ten thousand notifications
 * due gives a few lines a minute, each saying what failed, how often, and what happens next.
 */
final class FailureLog {
    private final Logger log;
    private final Duration period;
    private final Map<String, Tally> kinds = new HashMap<>();

    FailureLog(Logger log, Duration period) {
        this.log = log;
        this.period = period;
    }

    void attemptFailed(String notificationId, int attempt, String reason, Instant retryAt) {
        if (shouldLog(reason)) {
            log.warn("notification {} attempt {} failed: {}; next attempt at {}{}", notificationId, attempt, reason, retryAt,
                    suppressed(reason));
        }
    }

    void gaveUp(String notificationId, int attempt, String reason) {
        // Every notification given up on is logged: each is a user not told, and goes to the dead-letter topic.
        log.warn("notification {} failed for good after {} attempt(s): {}", notificationId, attempt, reason);
    }

    private synchronized boolean shouldLog(String reason) {
        Instant now = Instant.now();
        Tally tally = kinds.computeIfAbsent(kindOf(reason), k -> new Tally());
        if (tally.loggedAt == null || Duration.between(tally.loggedAt, now).compareTo(period) >= 0) {
            tally.reportable = tally.since;
            tally.since = 0;
            tally.loggedAt = now;
            return true;
        }
        tally.since++;
        return false;
    }

    private synchronized String suppressed(String reason) {
        long more = kinds.get(kindOf(reason)).reportable;
        return more == 0 ? "" : " (and " + more + " more failure(s) like it in the last " + period.toSeconds() + " s)";
    }

    /** The reason without what differs between notifications: digits other than a reply code, addresses. */
    static String kindOf(String reason) {
        if (reason == null) {
            return "";
        }
        return reason.replaceAll("\\S+@\\S+", "<address>").replaceAll("(?<=\\D)\\d{4,}", "<n>");
    }

    private static final class Tally {
        private Instant loggedAt;
        private long since;
        private long reportable;
    }
}
