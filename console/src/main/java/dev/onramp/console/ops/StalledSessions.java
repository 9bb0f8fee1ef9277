package dev.onramp.console.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistry;

/**
 * Sessions that need a human: the processor's alerts of the last day (stalled in fulfillment, silent since minted),
 * the latest per session, less the sessions that have ended since. Read from the time the window starts (offsets
 * for times), not from the start of the topics.
 */
public final class StalledSessions {
    static final Duration WINDOW = Duration.ofDays(1);

    private final TopicReader topics;
    private final SchemaRegistry registry;
    private final Clock clock;

    public StalledSessions(TopicReader topics, SchemaRegistry registry, Clock clock) {
        this.topics = topics;
        this.registry = registry;
        this.clock = clock;
    }

    /** One session needing a human: the latest alert about it. */
    public record Stalled(String sessionId, String kind, int alerts, Instant statusSince, Instant detectedAt) {
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("session_id", sessionId);
            json.put("kind", kind);
            json.put("alerts", alerts);
            json.put("status_since", statusSince.toString());
            json.put("detected_at", detectedAt.toString());
            return json;
        }
    }

    public List<Stalled> now() {
        Instant since = clock.instant().minus(WINDOW);
        Set<String> ended = topics.read(Topics.SESSION_OUTCOMES.name(), new RegistryAvroDeserializer<>(SessionOutcome.class, registry),
                since, key -> true).stream().map(r -> r.key()).collect(Collectors.toSet());
        Map<String, SessionAlert> latest = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (var record : topics.read(Topics.SESSION_ALERTS.name(), new RegistryAvroDeserializer<>(SessionAlert.class, registry),
                since, key -> !ended.contains(key))) {
            latest.put(record.key(), record.value());
            counts.merge(record.key(), 1, Integer::sum);
        }
        return latest.entrySet().stream()
                .map(e -> new Stalled(e.getKey(), e.getValue().getKind().name(), counts.get(e.getKey()),
                        e.getValue().getStatusSince(), e.getValue().getDetectedAt()))
                .sorted(Comparator.comparing(Stalled::statusSince))
                .toList();
    }
}
