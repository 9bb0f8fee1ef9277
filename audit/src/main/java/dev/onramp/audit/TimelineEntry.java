package dev.onramp.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One line of a session's timeline: when, what kind of thing, and its details in a stable order. */
public record TimelineEntry(Instant at, int order, String kind, Map<String, Object> details) {
    public static TimelineEntry of(Instant at, int order, String kind, Object... keyValues) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                details.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
            }
        }
        return new TimelineEntry(at, order, kind, details);
    }
}
