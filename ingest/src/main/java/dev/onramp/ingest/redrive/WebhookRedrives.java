package dev.onramp.ingest.redrive;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.onramp.ingest.IngestMetrics;
import dev.onramp.session.webhook.ClientSecretRedactor;
import dev.onramp.session.webhook.MappedWebhook;
import dev.onramp.session.webhook.UnmappableWebhook;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.runtime.privacy.RecordSealer;
import dev.onramp.runtime.kafka.ConsumerLoop;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.Redrive;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookDeadLetter;
import dev.onramp.schemas.WebhookReplay;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the webhook redrives operators ask for on the console: the console records each request on
 * {@code onramp.redrives.v1}, and ingest, the one writer of the webhook topics, reads the dead letter at the place the
 * request names, maps it with this version's mapping and writes the raw webhook and its session event. The records
 * and the request's consumer offset go in one transaction, so each request is carried out exactly once, whatever
 * crashes. Notification redrives on the same topic are the notifier's and are passed over, and so are webhook
 * redrives recorded by consoles that wrote the webhook themselves ({@code awaits_ingest} false).
 *
 * <p>A request this version cannot carry out (the dead letter is gone past its retention, or still unmappable) is a
 * WARN and {@code onramp_ingest_redrives_total{outcome}}; the request stays on the topic, for the audit trail.
 */
public final class WebhookRedrives implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookRedrives.class);
    public static final String GROUP = "onramp-ingest-redrives";

    private final KafkaConsumer<String, Redrive> requests;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final TopicReader deadLetters;
    private final RegistryAvroDeserializer<WebhookDeadLetter> deadLetterValues;
    private final ClientSecretRedactor redactor;
    private final WebhookMapper mapper = new WebhookMapper();
    private final IngestMetrics metrics;
    private final ConsumerLoop loop;
    private final RecordSealer sealer;

    public WebhookRedrives(KafkaConnection kafka, String transactionalId, ClientSecretRedactor redactor, RecordSealer sealer,
                           IngestMetrics metrics) {
        this.redactor = redactor;
        this.sealer = sealer;
        this.metrics = metrics;
        this.requests = new KafkaConsumer<>(ConsumerLoop.groupConsumerConfig(kafka, GROUP, 20), new StringDeserializer(),
                new RegistryAvroDeserializer<>(Redrive.class, kafka.registryClient()));
        Map<String, Object> producer = new HashMap<>(kafka.producerConfig());
        producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        RegistryAvroSerializer<SpecificRecord> values = new RegistryAvroSerializer<>(kafka.registryClient());
        values.configure(Map.of(), false);
        this.producer = new KafkaProducer<>(producer, new StringSerializer(), values);
        this.producer.initTransactions();
        this.deadLetters = new TopicReader(kafka.clientConfig());
        this.deadLetterValues = new RegistryAvroDeserializer<>(WebhookDeadLetter.class, kafka.registryClient());
        this.requests.subscribe(List.of(Topics.REDRIVES.name()));
        this.loop = ConsumerLoop.start("webhook redrives", requests, this::followOnce);
    }

    private void followOnce() throws InterruptedException {
        try {
            for (ConsumerRecord<String, Redrive> request : requests.poll(Duration.ofMillis(500))) {
                carryOut(request);
            }
        } catch (ProducerFencedException e) {
            // Another instance runs with this transactional id: two ingest instances share an INGEST_TRANSACTIONAL_ID.
            log.warn("webhook redrives: fenced by another instance with the same INGEST_TRANSACTIONAL_ID; this one stops carrying"
                    + " out redrives: {}", e.getMessage());
            throw new InterruptedException("fenced");
        } catch (KafkaException e) {
            if (e instanceof WakeupException wakeup) {
                throw wakeup;
            }
            // The transaction was aborted: go back to the committed offsets and carry the requests out again.
            log.warn("webhook redrives: {}; trying again from the last carried-out request", e.toString());
            metrics.redrive("failed");
            rewind();
            Thread.sleep(2_000);
        }
    }

    private void carryOut(ConsumerRecord<String, Redrive> request) {
        Redrive redrive = request.value();
        List<ProducerRecord<String, ? extends SpecificRecord>> records = List.of();
        String outcome = "not_ingests";
        if (redrive != null && redrive.getAwaitsIngest() && redrive.getSubject() instanceof WebhookReplay replay) {
            Optional<MappedWebhook> mapped = mapAgain(redrive, replay);
            records = mapped.map(MappedWebhook::records).orElse(List.of());
            outcome = mapped.isPresent() ? "written" : "refused";
        }
        RecordSealer.Sealing sealing = sealer.seal(records);
        producer.beginTransaction();
        for (ProducerRecord<String, ? extends SpecificRecord> record : sealing.records()) {
            @SuppressWarnings("unchecked")
            ProducerRecord<String, SpecificRecord> typed = (ProducerRecord<String, SpecificRecord>) record;
            producer.send(typed);
        }
        TopicPartition partition = new TopicPartition(request.topic(), request.partition());
        producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(request.offset() + 1)), requests.groupMetadata());
        producer.commitTransaction();
        sealing.committed();
        if (!outcome.equals("not_ingests")) {
            metrics.redrive(outcome);
            if (outcome.equals("written")) {
                log.info("redrive {} by {}: webhook {} written again", redrive.getRedriveId(), redrive.getRequestedBy(),
                        ((WebhookReplay) redrive.getSubject()).getEventId());
            }
        }
    }

    /** The dead letter at the request's place, mapped again; empty (with a WARN) when it cannot be. */
    private Optional<MappedWebhook> mapAgain(Redrive redrive, WebhookReplay replay) {
        Optional<WebhookDeadLetter> letter = deadLetterAt(redrive.getRedriveId());
        if (letter.isEmpty() || !letter.get().getBodySha256().equals(replay.getBodySha256())) {
            log.warn("redrive {} by {}: no dead letter with body {} at that place (past its retention?); not carried out",
                    redrive.getRedriveId(), redrive.getRequestedBy(), replay.getBodySha256());
            return Optional.empty();
        }
        WebhookDeadLetter deadLetter = letter.get();
        try {
            return Optional.of(mapper.mapAgain(deadLetter, redactor));
        } catch (UnmappableWebhook e) {
            log.warn("redrive {} by {}: this version still cannot map the webhook ({}); not carried out", redrive.getRedriveId(),
                    redrive.getRequestedBy(), e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<WebhookDeadLetter> deadLetterAt(String place) {
        String prefix = Topics.WEBHOOKS_DLQ.name() + "/";
        if (!place.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] parts = place.substring(prefix.length()).split("/");
        try {
            int partition = Integer.parseInt(parts[0]);
            long offset = Long.parseLong(parts[1]);
            return deadLetters.readPartition(Topics.WEBHOOKS_DLQ.name(), deadLetterValues, partition, offset, 1).stream()
                    .filter(r -> r.offset() == offset).map(ConsumerRecord::value).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void rewind() {
        try {
            producer.abortTransaction();
        } catch (KafkaException ignored) {
            // nothing open, or the producer must be recreated: the next transaction says which
        }
        Map<TopicPartition, OffsetAndMetadata> committed = requests.committed(requests.assignment());
        for (TopicPartition partition : requests.assignment()) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                requests.seek(partition, offset);
            } else {
                requests.seekToBeginning(List.of(partition));
            }
        }
    }

    @Override
    public void close() {
        loop.close();
        producer.close(Duration.ofSeconds(5));
    }
}
