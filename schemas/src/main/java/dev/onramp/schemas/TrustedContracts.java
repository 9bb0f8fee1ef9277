package dev.onramp.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes by schema name unless they are trusted; decoding nested records of the
 * generated classes does exactly that. This lists our generated classes, and only them, as trusted.
 */
public final class TrustedContracts {
    private static boolean done;

    private TrustedContracts() {
    }

    public static synchronized void trust() {
        if (done) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate ours = ClassSecurityValidator.builder()
                .add(RawWebhook.class).add(WebhookDeadLetter.class).add(OnrampSessionEvent.class)
                .add(TransactionDetails.class).add(Fees.class).add(SessionRecipient.class)
                .add(SessionState.class).add(StatusChange.class).add(Disposition.class)
                .add(SessionOutcome.class).add(SessionAlert.class).add(AlertKind.class)
                .add(NotificationRecord.class).add(NotificationDeadLetter.class)
                .add(Channel.class).add(DeliveryStatus.class)
                .add(SessionStatus.class).add(OutcomeKind.class)
                .add(NotificationIntent.class).add(NotificationResult.class).add(SendResult.class)
                .add(PoisonRecord.class).add(PoisonStage.class)
                .add(ChannelSuppression.class).add(SuppressionReason.class).add(EventSource.class)
                .add(Redrive.class).add(WebhookReplay.class).add(NotificationRetry.class)
                .add(OccurredAtSource.class).add(StripeLookup.class).add(StripeAnswer.class).add(SubjectKey.class)
                .add(ErasureRequest.class)
                .build();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
        done = true;
    }
}
