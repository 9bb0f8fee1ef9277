package dev.onramp.schemas;

import java.time.Duration;
import java.util.List;

/**
 * Every topic of the pipeline, in the order data flows through them. The one place in the code that names them.
 * {@code schemas/README.md} documents each: key, value, policy, writer and readers.
 */
public final class Topics {
    static {
        // Copying a record (newBuilder(other)) makes Avro look classes up by name; ours must be trusted first.
        TrustedContracts.trust();
    }

    /** ingest: every verified webhook, redacted. Forever (audit). */
    public static final Topic<RawWebhook> WEBHOOKS_RAW =
            Topic.forever("onramp.webhooks.raw.v1", RawWebhook.class);
    /** ingest: verified webhooks that could not be mapped, with the reason. */
    public static final Topic<WebhookDeadLetter> WEBHOOKS_DLQ =
            Topic.expiring("onramp.webhooks.dlq.v1", WebhookDeadLetter.class, Duration.ofDays(30));
    /** ingest: session events mapped from webhooks. Forever: replay rebuilds state from it. */
    public static final Topic<OnrampSessionEvent> SESSION_EVENTS =
            Topic.forever("onramp.session-events.v1", OnrampSessionEvent.class);
    /** ingest (platform API): who to tell about a session. Compacted. */
    public static final Topic<SessionRecipient> RECIPIENTS =
            Topic.compacted("onramp.recipients.v1", SessionRecipient.class);
    /** processor: latest state of every session. Compacted. */
    public static final Topic<SessionState> SESSION_STATE =
            Topic.compacted("onramp.session-state.v1", SessionState.class);
    /** processor: exactly one record per terminal session. Forever. */
    public static final Topic<SessionOutcome> SESSION_OUTCOMES =
            Topic.forever("onramp.session-outcomes.v1", SessionOutcome.class);
    /** processor: sessions that need a human. */
    public static final Topic<SessionAlert> SESSION_ALERTS =
            Topic.expiring("onramp.session-alerts.v1", SessionAlert.class, Duration.ofDays(30));
    /** ingest (reconciliation): each lookup at Stripe of a session that went quiet, and Stripe's answer. */
    public static final Topic<StripeLookup> STRIPE_LOOKUPS =
            Topic.expiring("onramp.stripe-lookups.v1", StripeLookup.class, Duration.ofDays(30));
    /** notifier (Streams app): each attempt it decided on, for its sender. Internal, short-lived (holds addresses). */
    public static final Topic<NotificationIntent> NOTIFICATION_INTENTS =
            Topic.expiring("onramp.notification-intents.v1", NotificationIntent.class, Duration.ofDays(7));
    /** notifier (sender): how each attempt went, as soon as the provider answered. Internal. */
    public static final Topic<NotificationResult> NOTIFICATION_RESULTS =
            Topic.expiring("onramp.notification-results.v1", NotificationResult.class, Duration.ofDays(7));
    /** notifier: every delivery step. Forever (what each user was told, and when). */
    public static final Topic<NotificationRecord> NOTIFICATIONS =
            Topic.forever("onramp.notifications.v1", NotificationRecord.class);
    /**
     * ingest (unsubscribe) and notifier (gone): addresses never to use again. Compacted; keyed by channel and
     * address hash, not by session.
     */
    public static final Topic<ChannelSuppression> SUPPRESSIONS =
            Topic.compacted("onramp.suppressions.v1", ChannelSuppression.class);
    /** notifier: notifications given up on, with the reason. */
    public static final Topic<NotificationDeadLetter> NOTIFICATIONS_DLQ =
            Topic.expiring("onramp.notifications.dlq.v1", NotificationDeadLetter.class, Duration.ofDays(30));

    /**
     * console: each dead letter an operator redrove, by whom and when; written with what the redrive produces, read
     * by the notifier for a notification's new attempt. Forever (audit).
     */
    public static final Topic<Redrive> REDRIVES =
            Topic.forever("onramp.redrives.v1", Redrive.class);

    /**
     * console: each erasure an operator asked for, by whom and when; carried out by ingest, which tombstones the
     * session's data keys and recipient. Forever (audit); no personal data.
     */
    public static final Topic<ErasureRequest> ERASURE_REQUESTS =
            Topic.forever("onramp.erasure-requests.v1", ErasureRequest.class);
    /**
     * The consumer group in which ingest carries out erasure requests. The console reads its committed offset to tell
     * an operator that a request is done, so both take the name from here.
     */
    public static final String ERASURE_REQUESTS_GROUP = "onramp-ingest-erasures";

    /**
     * ingest: the data keys that seal each subject's personal and pseudonymous fields on the kept-forever topics.
     * Compacted, keyed by key id; a tombstone erases a key. Only the pipeline's principals may read it. One
     * partition: ingest writes a session's first key in the transaction of the first webhook it seals, and every
     * partition a transaction touches costs it a marker; every reader reads the whole topic anyway.
     */
    public static final Topic<SubjectKey> SUBJECT_KEYS =
            Topic.compacted("onramp.subject-keys.v1", SubjectKey.class).withPartitions(1);

    /** processor, notifier: input records that could not be read or processed because of the record itself. */
    public static final Topic<PoisonRecord> POISON_RECORDS =
            Topic.expiring("onramp.poison-records.v1", PoisonRecord.class, Duration.ofDays(30));

    public static final List<Topic<?>> ALL = List.of(
            WEBHOOKS_RAW, WEBHOOKS_DLQ, SESSION_EVENTS, RECIPIENTS,
            SESSION_STATE, SESSION_OUTCOMES, SESSION_ALERTS, STRIPE_LOOKUPS,
            NOTIFICATION_INTENTS, NOTIFICATION_RESULTS, NOTIFICATIONS, NOTIFICATIONS_DLQ, SUPPRESSIONS,
            REDRIVES, ERASURE_REQUESTS, SUBJECT_KEYS, POISON_RECORDS);

    private Topics() {
    }
}
