package dev.onramp.runtime.streams;

import java.time.Instant;

/**
 * Keys that sort by time in a state store (the notifier's retry schedule and outcome expiry, the processor's
 * session retirement), as {@code 0001764151200000/ntf_...}: what is due is one range scan from
 * the start, never a scan of everything kept. Millis are zero-padded to 16 digits, so the byte order of the
 * strings is the order of the times.
 */
public final class TimeOrderedKey {
    private static final int DIGITS = 16;

    private TimeOrderedKey() {
    }

    public static String of(Instant at, String id) {
        return millis(at.toEpochMilli()) + "/" + id;
    }

    /** The smallest key of all. */
    public static String first() {
        return millis(0) + "/";
    }

    /** A key after every key due at or before {@code now} ({@code ~} sorts after every character of an id). */
    public static String dueBy(Instant now) {
        return millis(now.toEpochMilli()) + "/~";
    }

    /** Zero-padded by hand: {@code String.format} looks up the locale's digits on every call, on the stream thread. */
    private static String millis(long epochMillis) {
        String digits = Long.toString(epochMillis);
        return digits.length() >= DIGITS ? digits : "0".repeat(DIGITS - digits.length()) + digits;
    }

    public static Instant timeOf(String key) {
        return Instant.ofEpochMilli(Long.parseLong(key.substring(0, key.indexOf('/'))));
    }

    public static String idOf(String key) {
        return key.substring(key.indexOf('/') + 1);
    }
}
