package dev.onramp.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of environment variables with defaults and errors that name the variable. Each service's config
 * record reads all of its variables through one of these, in one place.
 */
public record Env(Map<String, String> values) {
    public static Env system() {
        return new Env(System.getenv());
    }

    /** This machine's name: the default of every per-instance identity (transactional ids, group instance ids). */
    public static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "local";
        }
    }

    /** Names only: the environment holds secrets (webhook secrets, API keys, SMTP and SASL passwords). */
    @Override
    public String toString() {
        return "Env[" + values.size() + " variables]";
    }

    public String string(String name, String fallback) {
        String value = values.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public String required(String name) {
        String value = string(name, null);
        if (value == null) {
            throw new IllegalArgumentException("environment variable " + name + " must be set");
        }
        return value;
    }

    /**
     * Keys or secrets that rotate: {@code several} (comma-separated, two of them during a rotation), or else the one
     * in {@code one}, which is then required. Each trimmed.
     */
    public List<String> rotating(String several, String one) {
        String list = string(several, null);
        return (list != null ? List.of(list.split(",")) : List.of(required(one))).stream().map(String::trim).toList();
    }

    public int integer(String name, int fallback) {
        String value = string(name, null);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
        }
    }

    public boolean flag(String name, boolean fallback) {
        String value = string(name, null);
        return value == null ? fallback : Boolean.parseBoolean(value);
    }

    /** A duration as ISO-8601 ({@code PT30M}) or a number with a unit: {@code 300s}, {@code 30m}, {@code 7d}, {@code 500ms}. */
    public Duration duration(String name, Duration fallback) {
        String value = string(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            if (value.startsWith("P") || value.startsWith("p")) {
                return Duration.parse(value);
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be a duration such as 300s, 30m, 7d or PT5M, not '" + value + "'");
        }
    }
}
