package dev.onramp.notifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.devstack.FreePorts;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.Fees;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import dev.onramp.testkit.DevStackExtension;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/** A real SMTP server (GreenMail), the notifier's input topics, and what the notifier wrote, for one test class. */
final class NotifierFixture implements AutoCloseable {
    final DevStackExtension stack;
    final int smtpPort = FreePorts.pick();
    final String applicationId = "notifier-test-" + System.nanoTime();
    final SchemaRegistry registry;
    GreenMail greenMail;
    private final KafkaProducer<String, SpecificRecord> producer;

    NotifierFixture(DevStackExtension stack) {
        this.stack = stack;
        KafkaConnection connection = KafkaConnection.local(stack.bootstrapServers(), stack.registryUrl());
        this.registry = connection.registryClient();
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.ensure(admin, registry, 3, (short) 1);
        }
        Map<String, Object> config = new HashMap<>(connection.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), new RegistryAvroSerializer<>(registry));
        startSmtp();
    }

    void startSmtp() {
        greenMail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    void stopSmtp() {
        greenMail.stop();
    }

    Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", stack.registryUrl(),
                "NOTIFIER_HOST", "127.0.0.1",
                "NOTIFIER_PORT", "0",
                "NOTIFIER_APPLICATION_ID", applicationId,
                "SMTP_HOST", "127.0.0.1",
                "SMTP_PORT", String.valueOf(smtpPort),
                "SMTP_STARTTLS", "false",
                "SMTP_TIMEOUT", "3s",
                "MAIL_FROM", "Onramp <no-reply@onramp.example>"));
        try {
            env.put("NOTIFIER_STATE_DIR", Files.createTempDirectory("notifier-state").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.putAll(extra);
        return env;
    }

    NotifierService startNotifier(Map<String, String> extra) {
        return NotifierService.start(NotifierConfig.fromEnv(new Env(env(extra))));
    }

    static SessionOutcome outcome(String sessionId, OutcomeKind kind) {
        return SessionOutcome.newBuilder()
                .setSessionId(sessionId)
                .setOutcome(kind)
                .setPreviousStatus(kind == OutcomeKind.FULFILLED ? SessionStatus.FULFILLMENT_PROCESSING : SessionStatus.REQUIRES_PAYMENT)
                .setOccurredAt(Instant.now())
                .setDecidingEventId("evt_" + sessionId)
                .setLivemode(true)
                .setTransactionDetails(TransactionDetails.newBuilder()
                        .setDestinationAmount("0.612345678").setDestinationCurrency("sol").setDestinationNetwork("solana")
                        .setSourceAmount("100.00").setSourceCurrency("usd")
                        .setFees(Fees.newBuilder().setNetworkFeeAmount("0.01").setTransactionFeeAmount("1.99").build())
                        .setWalletAddress("So1aNaWa11etAddre55So1aNaWa11etAddre55xyz")
                        .setTransactionId("5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW")
                        .build())
                .build();
    }

    void send(SessionOutcome outcome) {
        produce(Topics.SESSION_OUTCOMES.name(), outcome.getSessionId(), outcome);
    }

    void recipient(String sessionId, String email, String locale) {
        produce(Topics.RECIPIENTS.name(), sessionId, SessionRecipient.newBuilder()
                .setSessionId(sessionId).setEmail(email).setLocale(locale).setUpdatedAt(Instant.now()).build());
    }

    void recipient(SessionRecipient recipient) {
        produce(Topics.RECIPIENTS.name(), recipient.getSessionId(), recipient);
    }

    <V extends SpecificRecord> List<ConsumerRecord<String, V>> read(String topic, Class<V> type) {
        return TopicReader.readAll(stack.bootstrapServers(), topic, new StringDeserializer(), new RegistryAvroDeserializer<>(type, registry));
    }

    void removeRecipient(String sessionId) {
        produce(Topics.RECIPIENTS.name(), sessionId, null);
    }

    private void produce(String topic, String key, SpecificRecord value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the notifier has consumed and committed everything on its inputs: after this, nothing more is coming. */
    void awaitCaughtUp() {
        awaitCaughtUp(applicationId);
    }

    /** As {@link #awaitCaughtUp()}, for a notifier started with another {@code NOTIFIER_APPLICATION_ID}. */
    void awaitCaughtUp(String groupId) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> caughtUp(groupId));
    }

    private boolean caughtUp(String groupId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : List.of(Topics.SESSION_OUTCOMES.name(), Topics.RECIPIENTS.name(), Topics.NOTIFICATION_RESULTS.name())) {
                for (int p = 0; p < 3; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0 || reached(committed.get(e.getKey()), e.getValue()));
        }
    }

    private static boolean reached(OffsetAndMetadata committed, ListOffsetsResult.ListOffsetsResultInfo end) {
        return committed != null && committed.offset() >= end.offset();
    }

    List<MimeMessage> messagesTo(String address) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                Address[] to = m.getAllRecipients();
                return to != null && Arrays.stream(to).anyMatch(a -> a.toString().equalsIgnoreCase(address));
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toList());
    }

    List<NotificationRecord> notifications() {
        return TopicReader.readAll(stack.bootstrapServers(), Topics.NOTIFICATIONS.name(), new StringDeserializer(),
                new RegistryAvroDeserializer<>(NotificationRecord.class, registry)).stream().map(r -> r.value()).toList();
    }

    List<NotificationDeadLetter> deadLetters() {
        return TopicReader.readAll(stack.bootstrapServers(), Topics.NOTIFICATIONS_DLQ.name(), new StringDeserializer(),
                new RegistryAvroDeserializer<>(NotificationDeadLetter.class, registry)).stream().map(r -> r.value()).toList();
    }

    static Set<String> messageIds(List<MimeMessage> messages) {
        return messages.stream().map(m -> {
            try {
                return m.getMessageID();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
    }

    static String body(MimeMessage message) {
        try {
            var multipart = (MimeMultipart) message.getContent();
            return multipart.getBodyPart(0).getContent() + "\n" + multipart.getBodyPart(1).getContent();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
        greenMail.stop();
    }
}
