package dev.onramp.session.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A verified webhook as it is written, in one transaction: the raw record always, the session event when it is one. */
public record MappedWebhook(RawWebhook raw, Optional<OnrampSessionEvent> event) {

    public String eventId() {
        return raw.getEventId();
    }

    /** Both keyed by session id, so a session's raw webhooks and events share a partition; other types by event id. */
    public List<ProducerRecord<String, ? extends SpecificRecord>> records() {
        List<ProducerRecord<String, ? extends SpecificRecord>> records = new ArrayList<>(2);
        String rawKey = raw.getSessionId() != null ? raw.getSessionId() : raw.getEventId();
        records.add(new ProducerRecord<>(Topics.WEBHOOKS_RAW.name(), rawKey, raw));
        event.ifPresent(e -> records.add(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), e.getSessionId(), e)));
        return records;
    }
}
