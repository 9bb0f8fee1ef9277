package dev.onramp.notifier.delivery;

import static dev.onramp.schemas.Topics.NOTIFICATIONS;
import static dev.onramp.schemas.Topics.NOTIFICATIONS_DLQ;
import static dev.onramp.schemas.Topics.RECIPIENTS;
import static dev.onramp.schemas.Topics.SESSION_OUTCOMES;

import java.util.List;

import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The notifier's data flow, top to bottom:
 *
 * <pre>
 *   onramp.session-outcomes.v1 ─┐
 *   onramp.recipients.v1 ───────┴─ merge (both keyed by session id)
 *     -> when a session has an outcome and a recipient, each channel delivers once
 *          [stores: outcomes, recipients, notification-ledger, notification-retries]
 *     -> every attempt         -> onramp.notifications.v1
 *     -> every notification given up -> onramp.notifications.dlq.v1
 *   wall clock: due retries are attempted again
 * </pre>
 */
public final class NotificationTopology {
    public static final String OUTCOMES_STORE = "outcomes";
    public static final String RECIPIENTS_STORE = "recipients";
    public static final String LEDGER_STORE = "notification-ledger";
    public static final String RETRY_STORE = "notification-retries";

    private NotificationTopology() {
    }

    public static Topology build(List<NotificationChannel> channels, NotifierRules rules, SchemaRegistry registry,
                                 NotifierMetrics metrics) {
        Serde<SessionOutcome> outcomeSerde = Topics.SESSION_OUTCOMES.valueSerde(registry);
        Serde<SessionRecipient> recipientSerde = Topics.RECIPIENTS.valueSerde(registry);
        Serde<NotificationRecord> recordSerde = Topics.NOTIFICATIONS.valueSerde(registry);
        Serde<NotificationDeadLetter> deadLetterSerde = Topics.NOTIFICATIONS_DLQ.valueSerde(registry);

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTCOMES_STORE), Serdes.String(), outcomeSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RECIPIENTS_STORE), Serdes.String(), recipientSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEDGER_STORE), Serdes.String(), recordSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RETRY_STORE), Serdes.String(), recordSerde));

        KStream<String, NotifierInput> outcomes = builder
                .stream(SESSION_OUTCOMES.name(), Consumed.with(Serdes.String(), outcomeSerde).withName("session-outcomes"))
                .mapValues(NotifierInput.OutcomeArrived::new, Named.as("as-outcome-input"));
        KStream<String, NotifierInput> recipients = builder
                .stream(RECIPIENTS.name(), Consumed.with(Serdes.String(), recipientSerde).withName("recipients"))
                .mapValues(NotifierInput.RecipientChanged::new, Named.as("as-recipient-input"));

        KStream<String, DeliveryStep> steps = outcomes.merge(recipients, Named.as("outcomes-and-recipients"))
                .process(() -> new NotificationProcessor(channels, rules, metrics), Named.as("deliver"),
                        OUTCOMES_STORE, RECIPIENTS_STORE, LEDGER_STORE, RETRY_STORE);

        steps.split(Named.as("delivery-step-"))
                .branch((id, step) -> step instanceof DeliveryStep.Attempted, Branched.withConsumer(attempts -> attempts
                        .mapValues(step -> ((DeliveryStep.Attempted) step).record(), Named.as("record"))
                        .to(NOTIFICATIONS.name(), Produced.with(Serdes.String(), recordSerde).withName("to-notifications")),
                        "attempted"))
                .branch((id, step) -> step instanceof DeliveryStep.GivenUp, Branched.withConsumer(givenUp -> givenUp
                        .mapValues(step -> ((DeliveryStep.GivenUp) step).deadLetter(), Named.as("dead-letter"))
                        .to(NOTIFICATIONS_DLQ.name(), Produced.with(Serdes.String(), deadLetterSerde).withName("to-notifications-dlq")),
                        "given-up"))
                .noDefaultBranch();
        return builder.build();
    }
}
