package dev.onramp.notifier.deciding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import dev.onramp.runtime.privacy.DataKey;
import dev.onramp.runtime.privacy.KeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.runtime.privacy.SealedValue;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.ChannelSuppression;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationIntent;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.NotificationResult;
import dev.onramp.schemas.NotificationRetry;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.Redrive;
import dev.onramp.schemas.SendResult;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.SuppressionKeys;
import dev.onramp.schemas.SuppressionReason;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookReplay;
import dev.onramp.schemas.serde.InMemorySchemaRegistry;
import dev.onramp.testkit.streams.TopologyDiagram;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The notifier's decisions under TopologyTestDriver: what becomes an intent, and how each result is folded. */
class NotificationTopologyTest {
    private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");
    private static final String SESSION = "cos_TopologyTest0001";
    private static final NotifierSettings RULES = new NotifierSettings(Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(30));

    private static final String PLATFORM_URL = "https://platform.example.com/onramp-hooks";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    /** The sessions ingest sealed data of, with their keys; the others have none (sealing off, or erased). */
    private final Map<String, DataKey> sessionKeys = new HashMap<>();
    private final KeyStore keys = new KeyStore() {
        @Override
        public Optional<DataKey> find(String keyId) {
            return sessionKeys.values().stream().filter(k -> k.keyId().equals(keyId)).findFirst();
        }

        @Override
        public Optional<DataKey> keyOf(String subject) {
            return Optional.ofNullable(sessionKeys.get(subject));
        }
    };
    private TopologyTestDriver driver;
    private TestInputTopic<String, SessionOutcome> outcomes;
    private TestInputTopic<String, SessionRecipient> recipients;
    private TestInputTopic<String, NotificationResult> results;
    private TestInputTopic<String, ChannelSuppression> suppressionsIn;
    private TestInputTopic<String, Redrive> redrives;
    private TestOutputTopic<String, NotificationIntent> intents;
    private TestOutputTopic<String, NotificationRecord> records;
    private TestOutputTopic<String, NotificationDeadLetter> deadLetters;
    private TestOutputTopic<String, ChannelSuppression> suppressions;

    NotificationTopologyTest() {
        start(List.of(new AddressOnlyEmail(), new AddressOnlyWebhook(Optional.empty())));
    }

    private void start(List<NotificationChannel> channels) {
        if (driver != null) {
            driver.close();
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("notifier-topology").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(NotificationTopology.build(channels, RULES, registry,
                new NotifierMetrics(new SimpleMeterRegistry()), Tracing.off(), keys), props, START);
        outcomes = driver.createInputTopic(Topics.SESSION_OUTCOMES.name(), Serdes.String().serializer(),
                Topics.SESSION_OUTCOMES.valueSerde(registry).serializer());
        recipients = driver.createInputTopic(Topics.RECIPIENTS.name(), Serdes.String().serializer(),
                Topics.RECIPIENTS.valueSerde(registry).serializer());
        results = driver.createInputTopic(Topics.NOTIFICATION_RESULTS.name(), Serdes.String().serializer(),
                Topics.NOTIFICATION_RESULTS.valueSerde(registry).serializer());
        intents = driver.createOutputTopic(Topics.NOTIFICATION_INTENTS.name(), Serdes.String().deserializer(),
                Topics.NOTIFICATION_INTENTS.valueSerde(registry).deserializer());
        records = driver.createOutputTopic(Topics.NOTIFICATIONS.name(), Serdes.String().deserializer(),
                Topics.NOTIFICATIONS.valueSerde(registry).deserializer());
        deadLetters = driver.createOutputTopic(Topics.NOTIFICATIONS_DLQ.name(), Serdes.String().deserializer(),
                Topics.NOTIFICATIONS_DLQ.valueSerde(registry).deserializer());
        redrives = driver.createInputTopic(Topics.REDRIVES.name(), Serdes.String().serializer(),
                Topics.REDRIVES.valueSerde(registry).serializer());
        suppressionsIn = driver.createInputTopic(Topics.SUPPRESSIONS.name(), Serdes.String().serializer(),
                Topics.SUPPRESSIONS.valueSerde(registry).serializer());
        suppressions = driver.createOutputTopic(Topics.SUPPRESSIONS.name(), Serdes.String().deserializer(),
                Topics.SUPPRESSIONS.valueSerde(registry).deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void theDiagramInTheJavadocNamesTheTopicsAndStoresTheTopologyBuilds() {
        TopologyDescription built = NotificationTopology.build(List.of(new AddressOnlyEmail()), RULES, registry,
                new NotifierMetrics(new SimpleMeterRegistry()), Tracing.off(), keyId -> Optional.empty()).describe();
        assertThat(TopologyDiagram.of(Path.of("src/main/java/dev/onramp/notifier/deciding/NotificationTopology.java")))
                .isEqualTo(TopologyDiagram.of(built));
    }

    @Test
    void anOutcomeWithARecipientBecomesOneIntentWhicheverArrivesFirst() {
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        outcomes.pipeInput(SESSION, outcome(SESSION, START.minusSeconds(5)));
        NotificationIntent intent = intents.readValue();
        assertThat(intent.getAddress()).isEqualTo("buyer@example.com");
        assertThat(intent.getRecipientMasked()).isEqualTo("b***r@example.com");
        assertThat(intent.getAttempt()).isEqualTo(1);
        assertThat(intent.getDeliverBy()).isEqualTo(START.minusSeconds(5).plus(RULES.notifyWindow()));
        assertThat(intent.getNotificationId()).isEqualTo(NotificationIds.of(SESSION, OutcomeKind.FULFILLED, Channel.EMAIL));

        String other = "cos_TopologyTest0002";
        outcomes.pipeInput(other, outcome(other, START));
        assertThat(intents.isEmpty()).as("no recipient yet").isTrue();
        recipients.pipeInput(other, recipient("late@example.com"));
        assertThat(intents.readValue().getSessionId()).isEqualTo(other);
        assertThat(records.isEmpty()).as("nothing is recorded until the sender answers").isTrue();
    }

    @Test
    void aSecondOutcomeOrARepeatedRecipientNeverMakesASecondIntent() {
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        assertThat(intents.readValuesToList()).hasSize(1);
    }

    @Test
    void aSentResultIsRecordedOnceAndAResultReadTwiceIsFoldedOnce() {
        NotificationIntent intent = due();
        NotificationResult sent = result(intent, SendResult.SENT, "<ntf@onramp.local>", null);
        results.pipeInput(SESSION, sent);
        results.pipeInput(SESSION, sent);
        List<NotificationRecord> trail = records.readValuesToList();
        assertThat(trail).hasSize(1);
        assertThat(trail.get(0).getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(trail.get(0).getProviderMessageId()).isEqualTo("<ntf@onramp.local>");
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        assertThat(intents.isEmpty()).as("a sent notification is never due again").isTrue();
    }

    @Test
    void theIntentsAddressAndTheAuditRecordsRecipientAndAnswerAreSealedUnderTheSessionsKey() {
        sessionKeys.put(SESSION, DataKey.generate(SESSION));
        NotificationIntent intent = due();
        assertThat(intent.getAddress()).as("the intent's address, sealed").startsWith(SealedValue.PREFIX);
        assertThat(PersonalFields.open(intent, keys).getAddress()).isEqualTo("buyer@example.com");
        results.pipeInput(SESSION, result(intent, SendResult.TRANSIENT, null, "SMTP 451 4.2.2 buyer@example.com: mailbox full"));
        NotificationRecord retrying = records.readValue();
        assertThat(List.of(retrying.getRecipientMasked(), retrying.getReason())).allMatch(SealedValue::isSealed)
                .noneMatch(v -> v.contains("example.com"));
        assertThat(PersonalFields.open(retrying, keys).getRecipientMasked()).isEqualTo(PersonalFields.open(intent, keys).getRecipientMasked())
                .isEqualTo("b***r@example.com");
        assertThat(PersonalFields.open(retrying, keys).getReason()).contains("mailbox full");
        assertThat(retrying.getStatus()).as("the rest in clear").isEqualTo(DeliveryStatus.RETRYING);

        sessionKeys.clear();
        assertThat(PersonalFields.open(retrying, keys).getRecipientMasked()).as("erased").isEqualTo(SealedValue.ERASED);
    }

    @Test
    void aRecipientIngestSealedIsOpenedAndOneWhoseKeyWasErasedIsTakenAsRemoved() {
        DataKey key = DataKey.generate(SESSION);
        sessionKeys.put(SESSION, key);
        recipients.pipeInput(SESSION, PersonalFields.seal(recipient("buyer@example.com"), key));
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        assertThat(PersonalFields.open(intents.readValue(), keys).getAddress()).isEqualTo("buyer@example.com");

        String other = "cos_TopologyTest0002";
        DataKey erased = DataKey.generate(other);
        recipients.pipeInput(other, PersonalFields.seal(recipient("gone@example.com"), erased));
        outcomes.pipeInput(other, outcome(other, START));
        assertThat(intents.isEmpty()).as("no key: nobody to tell").isTrue();
    }

    @Test
    void aTransientFailureWaitsInTheScheduleAndComesBackAsTheNextAttemptWhenDue() {
        NotificationIntent intent = due();
        results.pipeInput(SESSION, result(intent, SendResult.TRANSIENT, null, "SMTP 451: try later"));
        NotificationRecord retrying = records.readValue();
        assertThat(retrying.getStatus()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(retrying.getNextAttemptAt()).isAfter(START);
        assertThat(intents.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(intents.isEmpty()).as("not due yet").isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        NotificationIntent second = intents.readValue();
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(second.getFirstAttemptAt()).isEqualTo(intent.getFirstAttemptAt());
        driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertThat(intents.isEmpty()).as("a retry is made once").isTrue();
    }

    @Test
    void aRetryGoesToTheAddressTheRecipientHasWhenItIsDue() {
        NotificationIntent intent = due();
        results.pipeInput(SESSION, result(intent, SendResult.TRANSIENT, null, "connection refused"));
        recipients.pipeInput(SESSION, recipient("corrected@example.com"));
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertThat(intents.readValue().getAddress()).isEqualTo("corrected@example.com");
    }

    @Test
    void aPermanentFailureOrAnExpiredWindowIsGivenUpAndDeadLettered() {
        NotificationIntent intent = due();
        results.pipeInput(SESSION, result(intent, SendResult.PERMANENT, null, "SMTP 550: no such user"));
        assertThat(records.readValue().getStatus()).isEqualTo(DeliveryStatus.FAILED);
        NotificationDeadLetter dead = deadLetters.readValue();
        assertThat(dead.getReason()).isEqualTo("SMTP 550: no such user");
        assertThat(dead.getRecipientMasked()).doesNotContain("buyer@");
    }

    @Test
    void retriesStopAtTheEndOfTheRetryWindow() {
        NotificationIntent intent = due();
        NotificationIntent current = intent;
        for (int i = 0; i < 100 && current != null; i++) {
            results.pipeInput(SESSION, result(current, SendResult.TRANSIENT, null, "connection refused"));
            driver.advanceWallClockTime(RULES.retryMaxDelay().plusSeconds(1));
            current = intents.isEmpty() ? null : intents.readValue();
        }
        assertThat(current).isNull();
        List<NotificationRecord> trail = records.readValuesToList();
        assertThat(trail.get(trail.size() - 1).getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(trail.get(trail.size() - 1).getReason()).startsWith("gave up after");
        assertThat(deadLetters.readValuesToList()).hasSize(1);
    }

    @Test
    void aRecipientRemovedWhileARetryWaitsCancelsIt() {
        NotificationIntent intent = due();
        results.pipeInput(SESSION, result(intent, SendResult.TRANSIENT, null, "connection refused"));
        records.readValue();
        recipients.pipeInput(SESSION, null);
        NotificationRecord cancelled = records.readValue();
        assertThat(cancelled.getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(cancelled.getReason()).isEqualTo("recipient removed before delivery");
        driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(intents.isEmpty()).isTrue();
    }

    @Test
    void alreadySentIsFoldedSilently() {
        NotificationIntent intent = due();
        results.pipeInput(SESSION, result(intent, SendResult.ALREADY_SENT, null, "sent before"));
        assertThat(records.isEmpty()).as("the trail already says it was sent").isTrue();
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        assertThat(intents.isEmpty()).isTrue();
    }

    @Test
    void anOutcomeOlderThanTheNotifyWindowIsNeverDue() {
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        outcomes.pipeInput(SESSION, outcome(SESSION, START.minus(RULES.notifyWindow()).minusSeconds(1)));
        assertThat(intents.isEmpty()).isTrue();
    }

    @Test
    void whatTheNotifierHoldsAboutASessionLeavesWhenItsNotifyWindowEnds() {
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        NotificationIntent intent = intents.readValue();
        results.pipeInput(SESSION, result(intent, SendResult.SENT, "smtp-1", null));
        KeyValueStore<String, NotificationRecord> ledger = driver.getKeyValueStore(NotificationTopology.LEDGER_STORE);
        KeyValueStore<String, SessionRecipient> held = driver.getKeyValueStore(NotificationTopology.RECIPIENTS_STORE);
        assertThat(ledger.get(intent.getNotificationId()).getStatus()).isEqualTo(DeliveryStatus.SENT);

        driver.advanceWallClockTime(RULES.notifyWindow().minusHours(1));
        assertThat(ledger.get(intent.getNotificationId())).as("held within the window").isNotNull();
        assertThat(held.get(SESSION)).isNotNull();

        driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(ledger.get(intent.getNotificationId())).as("gone with the window").isNull();
        assertThat(held.get(SESSION)).isNull();
        assertThat(driver.getKeyValueStore(NotificationTopology.OUTCOMES_STORE).get(SESSION)).isNull();

        // The outcome read again (an application reset): past its window, nothing is due.
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        assertThat(intents.isEmpty()).isTrue();
    }

    @Test
    void aRecipientWhoseOutcomeNeverCameLeavesANotifyWindowAfterItLastRegistered() {
        String abandoned = "cos_TopologyTest0003";
        String again = "cos_TopologyTest0004";
        recipients.pipeInput(abandoned, SessionRecipient.newBuilder(recipient("a@example.com")).setSessionId(abandoned).build());
        recipients.pipeInput(again, SessionRecipient.newBuilder(recipient("b@example.com")).setSessionId(again).build());
        driver.advanceWallClockTime(Duration.ofDays(20));
        recipients.pipeInput(again, SessionRecipient.newBuilder(recipient("b@example.com")).setSessionId(again)
                .setUpdatedAt(START.plus(Duration.ofDays(20))).build());

        driver.advanceWallClockTime(Duration.ofDays(11));
        KeyValueStore<String, SessionRecipient> held = driver.getKeyValueStore(NotificationTopology.RECIPIENTS_STORE);
        assertThat(held.get(abandoned)).as("registered 31 days ago, no outcome").isNull();
        assertThat(held.get(again)).as("registered again 11 days ago").isNotNull();

        driver.advanceWallClockTime(Duration.ofDays(20));
        assertThat(held.get(again)).isNull();
    }

    @Test
    void recipientsStoredWithoutAnExpiryByAnOlderVersionAreScheduledOnceAndLeave() {
        KeyValueStore<String, SessionRecipient> held = driver.getKeyValueStore(NotificationTopology.RECIPIENTS_STORE);
        String old = "cos_TopologyTest0005";
        String recent = "cos_TopologyTest0006";
        held.put(old, SessionRecipient.newBuilder(recipient("old@example.com")).setSessionId(old)
                .setUpdatedAt(START.minus(Duration.ofDays(40))).build());
        held.put(recent, SessionRecipient.newBuilder(recipient("new@example.com")).setSessionId(recent)
                .setUpdatedAt(START.minus(Duration.ofDays(1))).build());

        driver.advanceWallClockTime(Duration.ofMinutes(2));
        KeyValueStore<String, String> expiry = driver.getKeyValueStore(NotificationTopology.RECIPIENT_EXPIRY_STORE);
        assertThat(expiry.get(OutcomePairing.EVERY_RECIPIENT_SCHEDULED)).as("the walk is done").isNotNull();
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(held.get(old)).as("registered 40 days ago").isNull();
        assertThat(held.get(recent)).isNotNull();

        driver.advanceWallClockTime(Duration.ofDays(30));
        assertThat(held.get(recent)).isNull();
    }

    @Test
    void thePlatformsWebhookIsDueWithoutARecipientAndTheUsersChannelsWhenOneArrives() {
        start(List.of(new AddressOnlyEmail(), new AddressOnlyWebhook(Optional.of(PLATFORM_URL))));
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        NotificationIntent webhook = intents.readValue();
        assertThat(webhook.getChannel()).isEqualTo(Channel.WEBHOOK);
        assertThat(webhook.getAddress()).isEqualTo(PLATFORM_URL);
        assertThat(intents.isEmpty()).isTrue();
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        List<NotificationIntent> then = intents.readValuesToList();
        assertThat(then).extracting(NotificationIntent::getChannel).containsExactly(Channel.EMAIL);

        recipients.pipeInput(SESSION, null);
        assertThat(records.isEmpty()).as("removing the recipient does not cancel the platform's webhook").isTrue();
    }

    @Test
    void eachChannelOfARecipientIsItsOwnNotification() {
        recipients.pipeInput(SESSION, SessionRecipient.newBuilder(recipient("buyer@example.com")).setWebhookUrl(PLATFORM_URL).build());
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        List<NotificationIntent> due = intents.readValuesToList();
        assertThat(due).extracting(NotificationIntent::getChannel).containsExactlyInAnyOrder(Channel.EMAIL, Channel.WEBHOOK);
        assertThat(due).extracting(NotificationIntent::getNotificationId).doesNotHaveDuplicates();
        NotificationIntent webhook = due.stream().filter(i -> i.getChannel() == Channel.WEBHOOK).findFirst().orElseThrow();
        results.pipeInput(SESSION, result(webhook, SendResult.TRANSIENT, null, "platform endpoint answered 503"));
        NotificationIntent email = due.stream().filter(i -> i.getChannel() == Channel.EMAIL).findFirst().orElseThrow();
        results.pipeInput(SESSION, result(email, SendResult.SENT, "<id@onramp.local>", null));
        assertThat(records.readValuesToList()).extracting(NotificationRecord::getChannel, NotificationRecord::getStatus)
                .containsExactly(tuple(Channel.WEBHOOK, DeliveryStatus.RETRYING), tuple(Channel.EMAIL, DeliveryStatus.SENT));
    }

    @Test
    void aGoneAddressIsFailedWithoutRetryOrDeadLetterAndSuppressedForEveryLaterSession() {
        recipients.pipeInput(SESSION, SessionRecipient.newBuilder(recipient(null)).setWebhookUrl(PLATFORM_URL).build());
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        NotificationIntent intent = intents.readValue();
        results.pipeInput(SESSION, result(intent, SendResult.GONE, null, "platform endpoint answered 410"));
        NotificationRecord failed = records.readValue();
        assertThat(failed.getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(failed.getReason()).isEqualTo("gone: platform endpoint answered 410");
        assertThat(deadLetters.isEmpty()).isTrue();
        KeyValue<String, ChannelSuppression> suppression = suppressions.readKeyValue();
        assertThat(suppression.key).isEqualTo(SuppressionKeys.key(Channel.WEBHOOK, PLATFORM_URL));
        assertThat(suppression.value.getReason()).isEqualTo(SuppressionReason.GONE);
        assertThat(suppression.value.toString()).doesNotContain("platform.example.com");
        driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(intents.isEmpty()).as("never retried").isTrue();

        suppressionsIn.pipeInput(suppression.key, suppression.value);
        String later = "cos_TopologyTest0003";
        recipients.pipeInput(later, SessionRecipient.newBuilder(recipient("later@example.com")).setSessionId(later)
                .setWebhookUrl(PLATFORM_URL).build());
        outcomes.pipeInput(later, outcome(later, START));
        assertThat(intents.readValuesToList()).extracting(NotificationIntent::getChannel).containsExactly(Channel.EMAIL);
        NotificationRecord suppressed = records.readValue();
        assertThat(suppressed.getChannel()).isEqualTo(Channel.WEBHOOK);
        assertThat(suppressed.getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED);
        assertThat(suppressed.getReason()).startsWith("not sent: the address is gone");
    }

    @Test
    void anUnsubscribedAddressIsSuppressedWhateverItsCase() {
        suppressionsIn.pipeInput(SuppressionKeys.key(Channel.EMAIL, "Buyer@Example.com"), ChannelSuppression.newBuilder()
                .setChannel(Channel.EMAIL).setAddressHash(SuppressionKeys.addressHash(Channel.EMAIL, "Buyer@Example.com"))
                .setReason(SuppressionReason.UNSUBSCRIBED).setAt(START).build());
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        assertThat(intents.isEmpty()).isTrue();
        NotificationRecord suppressed = records.readValue();
        assertThat(suppressed.getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED);
        assertThat(suppressed.getReason()).isEqualTo("not sent: the address unsubscribed");
    }

    @Test
    void aRetryWaitsAtLeastAsLongAsTheProviderAsked() {
        NotificationIntent intent = due();
        Instant asked = START.plus(Duration.ofMinutes(20));
        results.pipeInput(SESSION, NotificationResult.newBuilder(result(intent, SendResult.TRANSIENT, null, "push service answered 429"))
                .setRetryAfter(asked).build());
        assertThat(records.readValue().getNextAttemptAt()).isEqualTo(asked);
        driver.advanceWallClockTime(Duration.ofMinutes(19));
        assertThat(intents.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertThat(intents.readValue().getAttempt()).isEqualTo(2);
    }

    @Test
    void aRedrivenDeadLetterIsOneNewAttemptToTheAddressTheRecipientHasNow() {
        NotificationIntent intent = due();
        results.pipeInput(SESSION, result(intent, SendResult.PERMANENT, null, "SMTP 550: no such user"));
        NotificationDeadLetter dead = deadLetters.readValue();
        records.readValuesToList();
        recipients.pipeInput(SESSION, recipient("fixed@example.com"));
        assertThat(intents.isEmpty()).as("a changed recipient alone does not undo a failure").isTrue();

        driver.advanceWallClockTime(Duration.ofDays(3));
        redrives.pipeInput(SESSION, redriveOf(dead, "onramp.notifications.dlq.v1/0/7"));
        NotificationIntent again = intents.readValue();
        assertThat(again.getAddress()).isEqualTo("fixed@example.com");
        assertThat(again.getAttempt()).isEqualTo(2);
        assertThat(again.getDeliverBy()).as("a fresh window: the operator decided it is still worth telling")
                .isAfter(START.plus(Duration.ofDays(3)));

        redrives.pipeInput(SESSION, redriveOf(dead, "onramp.notifications.dlq.v1/0/7"));
        assertThat(intents.isEmpty()).as("the same redrive read again, while in flight").isTrue();
        results.pipeInput(SESSION, result(again, SendResult.SENT, "<m@1>", null));
        assertThat(records.readValue().getStatus()).isEqualTo(DeliveryStatus.SENT);
        redrives.pipeInput(SESSION, redriveOf(dead, "onramp.notifications.dlq.v1/0/8"));
        assertThat(intents.isEmpty()).as("a sent notification is never redriven").isTrue();
    }

    @Test
    void aRedriveOfAWebhookOrOfANotificationNotFailedChangesNothing() {
        NotificationIntent intent = due();
        redrives.pipeInput(SESSION, Redrive.newBuilder().setRedriveId("onramp.webhooks.dlq.v1/1/2").setSessionId(SESSION)
                .setSubject(WebhookReplay.newBuilder().setEventId("evt_x").setBodySha256("ab").build())
                .setRequestedBy("adm_test").setRequestedAt(START).build());
        redrives.pipeInput(SESSION, redriveOf(NotificationDeadLetter.newBuilder().setNotificationId(intent.getNotificationId())
                .setOutcome(outcome(SESSION, START)).setChannel(Channel.EMAIL).setRecipientMasked("b***r@example.com")
                .setReason("test").setAttempts(1).setAt(START).build(), "onramp.notifications.dlq.v1/0/1"));
        assertThat(intents.isEmpty()).as("the first attempt is still with the sender").isTrue();
        assertThat(records.isEmpty()).isTrue();
    }

    private static Redrive redriveOf(NotificationDeadLetter dead, String redriveId) {
        return Redrive.newBuilder().setRedriveId(redriveId).setSessionId(SESSION)
                .setSubject(NotificationRetry.newBuilder().setNotificationId(dead.getNotificationId())
                        .setChannel(dead.getChannel()).setOutcome(dead.getOutcome()).build())
                .setRequestedBy("adm_test").setRequestedAt(START).build();
    }

    private NotificationIntent due() {
        recipients.pipeInput(SESSION, recipient("buyer@example.com"));
        outcomes.pipeInput(SESSION, outcome(SESSION, START));
        return intents.readValue();
    }

    private static NotificationResult result(NotificationIntent intent, SendResult kind, String providerId, String reason) {
        return NotificationResult.newBuilder()
                .setNotificationId(intent.getNotificationId()).setSessionId(intent.getSessionId()).setChannel(intent.getChannel())
                .setAttempt(intent.getAttempt()).setResult(kind).setProviderMessageId(providerId).setReason(reason)
                .setAt(START).build();
    }

    private static SessionRecipient recipient(String email) {
        return SessionRecipient.newBuilder().setSessionId(SESSION).setEmail(email).setLocale("en")
                .setUpdatedAt(START).build();
    }

    private static SessionOutcome outcome(String sessionId, Instant occurredAt) {
        return SessionOutcome.newBuilder().setSessionId(sessionId).setOutcome(OutcomeKind.FULFILLED)
                .setPreviousStatus(SessionStatus.FULFILLMENT_PROCESSING).setOccurredAt(occurredAt)
                .setDecidingEventId("evt_1").build();
    }

    /** A webhook channel with, or without, a deployment-wide URL. */
    private record AddressOnlyWebhook(Optional<String> deploymentUrl) implements NotificationChannel {
        @Override
        public Channel kind() {
            return Channel.WEBHOOK;
        }

        @Override
        public Optional<String> address(SessionRecipient recipient) {
            return Optional.ofNullable(recipient.getWebhookUrl()).or(() -> deploymentUrl);
        }

        @Override
        public String mask(String address) {
            return "webhook:" + URI.create(address).getHost();
        }

        @Override
        public ProviderAnswer deliver(Notification notification) {
            throw new AssertionError("the topology never sends");
        }
    }

    /** The topology only addresses and masks; sending is the sender's. */
    private static final class AddressOnlyEmail implements NotificationChannel {
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
            return address.charAt(0) + "***" + address.substring(address.indexOf('@') - 1);
        }

        @Override
        public ProviderAnswer deliver(Notification notification) {
            throw new AssertionError("the topology never sends");
        }
    }
}
