package dev.onramp.console.ops;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.specific.SpecificRecord;

/**
 * One dead letter as operators see it: its place on the topic (which is its id), when, the session it belongs to
 * when that is known, why it was set aside, and the details of its kind. {@code value} is the record itself.
 */
public record DeadLetterEntry(DeadLetterKind kind, int partition, long offset, Instant at, Optional<String> sessionId,
                              String reason, Map<String, Object> details, SpecificRecord value) {
    /** {@code <topic>/<partition>/<offset>}: what a redrive records, so that an entry is redriven once. */
    public String id() {
        return kind.topic().name() + "/" + partition + "/" + offset;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id());
        json.put("kind", kind.path());
        json.put("partition", partition);
        json.put("offset", offset);
        json.put("at", at.toString());
        json.put("session_id", sessionId.orElse(null));
        json.put("reason", reason);
        json.put("details", details);
        return json;
    }
}
