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
import dev.onramp.schemas.StripeAnswer;
import dev.onramp.schemas.StripeLookup;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistry;

/**
 * Sessions that need a human: the processor's alerts of the last day (stalled in fulfillment, silent since minted,
 * quiet in another open status, past the final horizon) and the sessions Stripe answered 404 for, the latest per
 * session, less the sessions that have ended since. Read from the time the window starts (offsets
 * for times), not from the start of the topics.
 */
public final class StalledSessions {
    static final Duration WINDOW = Duration.ofDays(1);
    /** The kind of a session whose latest lookup Stripe answered 404. */
    static final String UNKNOWN_AT_STRIPE = "UNKNOWN_AT_STRIPE";

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
        Map<String, Stalled> stalled = new LinkedHashMap<>();
        latest.forEach((id, alert) -> stalled.put(id, new Stalled(id, alert.getKind().name(), counts.get(id),
                alert.getStatusSince(), alert.getDetectedAt())));
        Map<String, StripeLookup> lookups = new LinkedHashMap<>();
        for (var record : topics.read(Topics.STRIPE_LOOKUPS.name(), new RegistryAvroDeserializer<>(StripeLookup.class, registry),
                since, key -> !ended.contains(key))) {
            lookups.put(record.key(), record.value());
        }
        // A session Stripe does not know cannot end by itself: it stays listed, under that kind, until it ends.
        lookups.forEach((id, lookup) -> {
            if (lookup.getAnswer() == StripeAnswer.UNKNOWN_AT_STRIPE) {
                Stalled alerted = stalled.get(id);
                stalled.put(id, new Stalled(id, UNKNOWN_AT_STRIPE, alerted == null ? 0 : alerted.alerts(),
                        alerted == null ? lookup.getLookedUpAt() : alerted.statusSince(), lookup.getLookedUpAt()));
            }
        });
        return stalled.values().stream().sorted(Comparator.comparing(Stalled::statusSince)).toList();
    }
}
