package dev.onramp.console.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.onramp.audit.SessionTimeline;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.SessionIdParam;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.KeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import io.javalin.http.HttpStatus;

/**
 * A support ticket's questions about one session, answered from the topics: its timeline, and every notification
 * attempt per channel. Reads are bounded: only the session's partition of each topic, from an hour before the
 * processor first saw the session (a recipient may be registered just before the first event).
 */
public final class SessionLookup {
    static final Duration BEFORE_FIRST_SEEN = Duration.ofHours(1);

    private final TopicReader topics;
    private final SchemaRegistry registry;
    private final ProcessorClient processor;
    private final KeyStore keys;

    public SessionLookup(TopicReader topics, SchemaRegistry registry, ProcessorClient processor, KeyStore keys) {
        this.keys = keys;
        this.topics = topics;
        this.registry = registry;
        this.processor = processor;
    }

    /** The session's state summary, or 404. */
    public ProcessorClient.SessionSummary summary(String sessionId) {
        SessionIdParam.checked(sessionId);
        return processor.session(sessionId).orElseThrow(() -> new ApiError(HttpStatus.NOT_FOUND, "session_not_found",
                "the processor holds no session " + sessionId + " (never seen, or not heard of for SESSION_RETENTION)"));
    }

    /** What {@code onramp audit session} prints, one map per entry ({@code at}, {@code kind}, details), recipients masked. */
    public List<Map<String, Object>> timeline(String sessionId) {
        return timeline(sessionId, summary(sessionId));
    }

    /** {@link #timeline(String)} for a session whose summary the caller already has (one query to the processor). */
    public List<Map<String, Object>> timeline(String sessionId, ProcessorClient.SessionSummary summary) {
        Instant since = summary.firstSeen().minus(BEFORE_FIRST_SEEN);
        return new SessionTimeline(topics, registry, keys).of(sessionId, since, false).stream().map(entry -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("at", entry.at().toString());
            line.put("kind", entry.kind());
            line.putAll(entry.details());
            return line;
        }).toList();
    }

    /** Every recorded step of every notification of the session, by channel, oldest first. */
    public Map<String, List<Map<String, Object>>> notifications(String sessionId) {
        return notifications(sessionId, summary(sessionId));
    }

    /** {@link #notifications(String)} for a session whose summary the caller already has. */
    public Map<String, List<Map<String, Object>>> notifications(String sessionId, ProcessorClient.SessionSummary summary) {
        Instant since = summary.firstSeen().minus(BEFORE_FIRST_SEEN);
        Map<String, List<Map<String, Object>>> byChannel = new LinkedHashMap<>();
        for (var record : topics.readKey(Topics.NOTIFICATIONS.name(),
                new RegistryAvroDeserializer<>(NotificationRecord.class, registry), sessionId, since)) {
            NotificationRecord step = PersonalFields.open(record.value(), keys);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("at", step.getAt().toString());
            line.put("notification_id", step.getNotificationId());
            line.put("outcome", step.getOutcome().name());
            line.put("status", step.getStatus().name());
            line.put("attempts", step.getAttempts());
            line.put("to", step.getRecipientMasked());
            putIfPresent(line, "provider_message_id", step.getProviderMessageId());
            putIfPresent(line, "reason", step.getReason());
            putIfPresent(line, "next_attempt_at", step.getNextAttemptAt() == null ? null : step.getNextAttemptAt().toString());
            byChannel.computeIfAbsent(step.getChannel().name().toLowerCase(Locale.ROOT), c -> new ArrayList<>()).add(line);
        }
        return byChannel;
    }

    private static void putIfPresent(Map<String, Object> line, String name, Object value) {
        if (value != null) {
            line.put(name, value);
        }
    }
}
