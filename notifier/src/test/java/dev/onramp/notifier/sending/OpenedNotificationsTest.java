package dev.onramp.notifier.sending;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.onramp.notifier.deciding.Notification;
import dev.onramp.notifier.deciding.NotificationChannel;
import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.runtime.privacy.DataKey;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.NotificationIntent;
import dev.onramp.schemas.OccurredAtSource;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TransactionDetails;
import org.junit.jupiter.api.Test;

class OpenedNotificationsTest {
    private static final String WALLET = "So1aNaWa11etAddre55So1aNaWa11etAddre55xyz";
    private static final DataKey KEY = DataKey.generate("cos_Opened0001");
    private static final String ADDRESS = "buyer@example.com";

    private final List<Notification> delivered = new ArrayList<>();
    private final NotificationChannel channel = new NotificationChannel() {
        @Override
        public Channel kind() {
            return Channel.EMAIL;
        }

        @Override
        public Optional<String> address(SessionRecipient recipient) {
            return Optional.ofNullable(recipient.getEmail());
        }

        @Override
        public String mask(String address) {
            return address;
        }

        @Override
        public ProviderAnswer deliver(Notification notification) {
            delivered.add(notification);
            return new ProviderAnswer.Sent("<m@onramp>");
        }
    };

    @Test
    void theProviderGetsTheAddressAndTheUserIsToldTheSealedValuesInClear() {
        assertThat(new OpenedNotifications(id -> Optional.of(KEY)).deliver(sealed(intent(ADDRESS)), channel))
                .isInstanceOf(ProviderAnswer.Sent.class);
        Notification notification = delivered.get(0);
        assertThat(notification.address()).isEqualTo(ADDRESS);
        assertThat(notification.outcome().getTransactionDetails().getWalletAddress()).isEqualTo(WALLET);
        assertThat(notification.outcome().getTransactionDetails().getTransactionId()).isEqualTo("5VERv8NM");
    }

    @Test
    void anIntentWhoseKeyWasErasedIsNotSentToAnyone() {
        assertThat(new OpenedNotifications(id -> Optional.empty()).deliver(sealed(intent(ADDRESS)), channel))
                .isInstanceOf(ProviderAnswer.Permanent.class);
        assertThat(delivered).isEmpty();
    }

    @Test
    void anIntentInClearIsSentAsItIs() {
        new OpenedNotifications(id -> Optional.empty()).deliver(intent(ADDRESS), channel);
        assertThat(delivered).singleElement().satisfies(n -> assertThat(n.address()).isEqualTo(ADDRESS));
    }

    @Test
    void keysThatCannotBeReadNowAreNotTakenForErased() {
        OpenedNotifications unreadable = new OpenedNotifications(id -> {
            throw new KafkaKeyStore.Unavailable("broker away", new IllegalStateException());
        });
        assertThat(unreadable.deliver(sealed(intent(ADDRESS)), channel)).as("tried again later").isInstanceOf(ProviderAnswer.Transient.class);
        assertThat(delivered).isEmpty();
    }

    private static NotificationIntent sealed(NotificationIntent intent) {
        return PersonalFields.seal(intent, KEY);
    }

    private static NotificationIntent intent(String address) {
        SessionOutcome outcome = SessionOutcome.newBuilder().setSessionId("cos_Opened0001").setOutcome(OutcomeKind.FULFILLED)
                .setPreviousStatus(SessionStatus.FULFILLMENT_PROCESSING).setOccurredAt(Instant.EPOCH).setDecidingEventId("evt_1")
                .setOccurredAtSource(OccurredAtSource.STRIPE_EVENT_CREATED)
                .setLivemode(false).setTransactionDetails(TransactionDetails.newBuilder().setWalletAddress(WALLET)
                        .setTransactionId("5VERv8NM").build())
                .build();
        return NotificationIntent.newBuilder().setNotificationId("n1").setSessionId("cos_Opened0001")
                .setOutcome(outcome).setChannel(Channel.EMAIL).setAddress(address)
                .setRecipientMasked("a***@example.com").setLocale("en").setAttempt(1).setFirstAttemptAt(Instant.EPOCH)
                .setDeliverBy(Instant.EPOCH).setCreatedAt(Instant.EPOCH).build();
    }
}
