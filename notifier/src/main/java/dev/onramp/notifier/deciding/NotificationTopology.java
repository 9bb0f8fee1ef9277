package dev.onramp.notifier.deciding;

import static dev.onramp.schemas.Topics.NOTIFICATIONS;
import static dev.onramp.schemas.Topics.NOTIFICATION_INTENTS;
import static dev.onramp.schemas.Topics.NOTIFICATION_RESULTS;
import static dev.onramp.schemas.Topics.NOTIFICATIONS_DLQ;
import static dev.onramp.schemas.Topics.RECIPIENTS;
import static dev.onramp.schemas.Topics.REDRIVES;
import static dev.onramp.schemas.Topics.SESSION_OUTCOMES;
import static dev.onramp.schemas.Topics.SUPPRESSIONS;

import java.util.List;

import dev.onramp.runtime.privacy.KeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.runtime.privacy.SealedValue;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.ChannelSuppression;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationIntent;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.NotificationResult;
import dev.onramp.schemas.NotificationRetry;
import dev.onramp.schemas.Redrive;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The notifier's decisions, top to bottom. The topology decides and records; the sender ({@code sending}) sends.
 *
 * <pre>
 *   onramp.session-outcomes.v1 ───────┐
 *   onramp.recipients.v1 ─────────────┼─ merge (all keyed by session id)
 *   onramp.notification-results.v1 ───┤
 *   onramp.redrives.v1 ───────────────┘  (only an operator's redrive of a notification)
 *     -> OutcomePairing: whichever of outcome and recipient comes second makes the notifications due
 *          [stores: outcomes, outcome-expiry, recipients, recipient-expiry]
 *          (the expiries are time-ordered schedules)
 *     -> NotificationLedger: due, already done, suppressed; the sender's results; retries; redrives
 *          [stores: notification-ledger, notifications-in-flight, notification-retries, redrives-done]
 *          (and reads the pairing's recipients: a retry goes to the address as it is now)
 *          reads [global table: suppressions], filled from onramp.suppressions.v1 (every partition's)
 *     -> split by kind of step:
 *          intended    -> onramp.notification-intents.v1   (the sender reads it, committed only; address sealed)
 *          recorded    -> onramp.notifications.v1          (sent, retrying, failed: the audit trail; recipient and
 *                                                           answer sealed under the session's data key)
 *          suppressed  -> onramp.suppressions.v1           (an address a provider says is gone)
 *          given up    -> onramp.notifications.dlq.v1
 *   wall clock: due retries become intents again (ledger); outcomes and recipients past the notify window leave
 *   (pairing), and so do their notifications' ledger entries
 * </pre>
 *
 * {@code NotificationTopologyTest} checks that the diagram names the topics and stores the topology builds, no more.
 *
 * Each record written carries the trace context of the input that caused it ({@code traceparent} header): an
 * outcome's trace goes on to the intent, the sender's send, its result and the audit record. A retry from the
 * schedule starts a trace of its own, named by the notification id.
 */
public final class NotificationTopology {
    public static final String OUTCOMES_STORE = "outcomes";
    public static final String OUTCOME_EXPIRY_STORE = "outcome-expiry";
    public static final String RECIPIENTS_STORE = "recipients";
    /** When each recipient registered without an outcome leaves the store (time-ordered, like the outcome expiry). */
    public static final String RECIPIENT_EXPIRY_STORE = "recipient-expiry";
    public static final String LEDGER_STORE = "notification-ledger";
    public static final String IN_FLIGHT_STORE = "notifications-in-flight";
    public static final String RETRY_STORE = "notification-retries";
    /** Redrive ids already acted on: a redrive record read again (or written twice) makes one attempt. */
    public static final String REDRIVES_DONE_STORE = "redrives-done";
    /** A global table: an address is suppressed for every session, whichever partition the session is on. */
    public static final String SUPPRESSIONS_STORE = "suppressions";

    private NotificationTopology() {
    }

    public static Topology build(List<NotificationChannel> channels, NotifierSettings settings, SchemaRegistry registry,
                                 NotifierMetrics metrics, Tracing tracing, KeyStore keys) {
        Serde<SessionOutcome> outcomeSerde = Topics.SESSION_OUTCOMES.valueSerde(registry);
        Serde<SessionRecipient> recipientSerde = Topics.RECIPIENTS.valueSerde(registry);
        Serde<NotificationResult> resultSerde = Topics.NOTIFICATION_RESULTS.valueSerde(registry);
        Serde<NotificationIntent> intentSerde = Topics.NOTIFICATION_INTENTS.valueSerde(registry);
        Serde<NotificationRecord> recordSerde = Topics.NOTIFICATIONS.valueSerde(registry);
        Serde<NotificationDeadLetter> deadLetterSerde = Topics.NOTIFICATIONS_DLQ.valueSerde(registry);
        Serde<ChannelSuppression> suppressionSerde = Topics.SUPPRESSIONS.valueSerde(registry);
        Serde<Redrive> redriveSerde = Topics.REDRIVES.valueSerde(registry);

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(store(OUTCOMES_STORE, outcomeSerde));
        builder.addStateStore(store(OUTCOME_EXPIRY_STORE, Serdes.String()));
        builder.addStateStore(store(RECIPIENTS_STORE, recipientSerde));
        builder.addStateStore(store(RECIPIENT_EXPIRY_STORE, Serdes.String()));
        builder.addStateStore(store(LEDGER_STORE, recordSerde));
        builder.addStateStore(store(IN_FLIGHT_STORE, intentSerde));
        builder.addStateStore(store(RETRY_STORE, intentSerde));
        builder.addStateStore(store(REDRIVES_DONE_STORE, Serdes.String()));
        builder.globalTable(SUPPRESSIONS.name(), Consumed.with(Serdes.String(), suppressionSerde).withName("suppressions"),
                Materialized.<String, ChannelSuppression, KeyValueStore<Bytes, byte[]>>as(SUPPRESSIONS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(suppressionSerde));

        KStream<String, NotifierInput> outcomes = builder
                .stream(SESSION_OUTCOMES.name(), Consumed.with(Serdes.String(), outcomeSerde).withName("session-outcomes"))
                .mapValues(NotifierInput.OutcomeArrived::new, Named.as("as-outcome-input"));
        KStream<String, NotifierInput> recipients = builder
                .stream(RECIPIENTS.name(), Consumed.with(Serdes.String(), recipientSerde).withName("recipients"))
                .mapValues(recipient -> new NotifierInput.RecipientChanged(opened(recipient, keys)), Named.as("as-recipient-input"));
        KStream<String, NotifierInput> results = builder
                .stream(NOTIFICATION_RESULTS.name(), Consumed.with(Serdes.String(), resultSerde).withName("notification-results"))
                .mapValues(NotifierInput.ResultReported::new, Named.as("as-result-input"));
        KStream<String, NotifierInput> retriesRequested = builder
                .stream(REDRIVES.name(), Consumed.with(Serdes.String(), redriveSerde).withName("redrives"))
                .filter((sessionId, redrive) -> redrive.getSubject() instanceof NotificationRetry, Named.as("notification-redrives"))
                .mapValues(redrive -> new NotifierInput.RetryRequested(redrive.getRedriveId(), (NotificationRetry) redrive.getSubject()),
                        Named.as("as-retry-input"));

        KStream<String, NotificationStep> steps = outcomes
                .merge(recipients, Named.as("outcomes-and-recipients"))
                .merge(results, Named.as("and-results"))
                .merge(retriesRequested, Named.as("and-redrives"))
                .process(() -> new OutcomePairing(settings, metrics, tracing), Named.as("pair"),
                        OUTCOMES_STORE, OUTCOME_EXPIRY_STORE, RECIPIENTS_STORE, RECIPIENT_EXPIRY_STORE)
                .process(() -> new NotificationLedger(channels, settings, metrics, tracing), Named.as("decide"),
                        RECIPIENTS_STORE, LEDGER_STORE, IN_FLIGHT_STORE, RETRY_STORE, REDRIVES_DONE_STORE);

        steps.split(Named.as("notification-step-"))
                .branch((id, step) -> step instanceof NotificationStep.Intended, Branched.withConsumer(intents -> intents
                        .mapValues((sessionId, step) -> sealed(((NotificationStep.Intended) step).intent(), sessionId, keys),
                                Named.as("intent"))
                        .to(NOTIFICATION_INTENTS.name(), Produced.with(Serdes.String(), intentSerde).withName("to-notification-intents")),
                        "intended"))
                .branch((id, step) -> step instanceof NotificationStep.Recorded, Branched.withConsumer(records -> records
                        .mapValues((sessionId, step) -> sealed(((NotificationStep.Recorded) step).record(), sessionId, keys),
                                Named.as("record"))
                        .to(NOTIFICATIONS.name(), Produced.with(Serdes.String(), recordSerde).withName("to-notifications")),
                        "recorded"))
                .branch((id, step) -> step instanceof NotificationStep.Suppressed, Branched.withConsumer(suppressed -> suppressed
                        .mapValues(step -> ((NotificationStep.Suppressed) step).suppression(), Named.as("suppression"))
                        .to(SUPPRESSIONS.name(), Produced.with(Serdes.String(), suppressionSerde).withName("to-suppressions")),
                        "suppressed"))
                .branch((id, step) -> step instanceof NotificationStep.GivenUp, Branched.withConsumer(givenUp -> givenUp
                        .mapValues(step -> ((NotificationStep.GivenUp) step).deadLetter(), Named.as("dead-letter"))
                        .to(NOTIFICATIONS_DLQ.name(), Produced.with(Serdes.String(), deadLetterSerde).withName("to-notifications-dlq")),
                        "given-up"))
                .noDefaultBranch();
        return builder.build();
    }

    /**
     * An intent (the address) or an audit record (masked recipient, provider's answer) sealed under the session's key,
     * as ingest seals the session's own data: forgotten with the session. A session without a key (sealing off, or
     * erased before this record) has it written as it is.
     */
    private static <V extends SpecificRecord> V sealed(V record, String sessionId, KeyStore keys) {
        return keys.keyOf(sessionId).map(key -> PersonalFields.seal(record, key)).orElse(record);
    }

    /**
     * Ingest seals the recipients; the topology works on their addresses (suppression hashes, masks, the intents,
     * which it seals again). One whose key was erased is taken as removed, as the tombstone after it says.
     */
    private static SessionRecipient opened(SessionRecipient recipient, KeyStore keys) {
        if (recipient == null) {
            return null;
        }
        SessionRecipient opened = PersonalFields.open(recipient, keys);
        boolean erased = SealedValue.ERASED.equals(opened.getEmail()) || SealedValue.ERASED.equals(opened.getPushSubscription())
                || SealedValue.ERASED.equals(opened.getWebhookUrl());
        return erased ? null : opened;
    }

    /**
     * Cached: under exactly-once a store is flushed at every commit anyway, and the cache turns what a commit
     * interval writes and undoes (an attempt put in flight, then folded) into no changelog record at all.
     */
    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values).withCachingEnabled();
    }
}
