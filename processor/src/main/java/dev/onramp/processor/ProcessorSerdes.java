package dev.onramp.processor;

import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.kafka.common.serialization.Serde;

/** The value serdes of the processor's topics and stores, all on one registry. */
public record ProcessorSerdes(Serde<OnrampSessionEvent> events, Serde<SessionState> state,
                              Serde<SessionOutcome> outcomes, Serde<SessionAlert> alerts) {
    public static ProcessorSerdes on(SchemaRegistry registry) {
        return new ProcessorSerdes(
                Topics.SESSION_EVENTS.valueSerde(registry),
                Topics.SESSION_STATE.valueSerde(registry),
                Topics.SESSION_OUTCOMES.valueSerde(registry),
                Topics.SESSION_ALERTS.valueSerde(registry));
    }
}
