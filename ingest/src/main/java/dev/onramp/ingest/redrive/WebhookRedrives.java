package dev.onramp.ingest.redrive;

import java.util.List;
import java.util.Optional;

import dev.onramp.ingest.IngestMetrics;
import dev.onramp.session.webhook.ClientSecretRedactor;
import dev.onramp.session.webhook.MappedWebhook;
import dev.onramp.session.webhook.UnmappableWebhook;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.runtime.privacy.RecordSealer;
import dev.onramp.runtime.kafka.CommandFollower;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.Redrive;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookDeadLetter;
import dev.onramp.schemas.WebhookReplay;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the webhook redrives operators ask for on the console: the console records each request on
 * {@code onramp.redrives.v1}, and ingest, the one writer of the webhook topics, reads the dead letter at the place the
 * request names, maps it with this version's mapping and writes the raw webhook and its session event. The records
 * and the request's consumer offset go in one transaction, so each request is carried out exactly once, whatever
 * crashes ({@link CommandFollower}). Notification redrives on the same topic are the notifier's and are passed over, and so are webhook
 * redrives recorded by consoles that wrote the webhook themselves ({@code awaits_ingest} false).
 *
 * <p>A request this version cannot carry out (the dead letter is gone past its retention, or still unmappable) is a
 * WARN and {@code onramp_ingest_redrives_total{outcome}}; the request stays on the topic, for the audit trail.
 */
public final class WebhookRedrives implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookRedrives.class);
    public static final String GROUP = "onramp-ingest-redrives";

    private final TopicReader deadLetters;
    private final RegistryAvroDeserializer<WebhookDeadLetter> deadLetterValues;
    private final ClientSecretRedactor redactor;
    private final WebhookMapper mapper = new WebhookMapper();
    private final IngestMetrics metrics;
    private final RecordSealer sealer;
    private final CommandFollower<Redrive> follower;

    public WebhookRedrives(KafkaConnection kafka, String transactionalId, ClientSecretRedactor redactor, RecordSealer sealer,
                           IngestMetrics metrics) {
        this.redactor = redactor;
        this.sealer = sealer;
        this.metrics = metrics;
        this.deadLetters = new TopicReader(kafka.clientConfig());
        this.deadLetterValues = new RegistryAvroDeserializer<>(WebhookDeadLetter.class, kafka.registryClient());
        this.follower = new CommandFollower<>("webhook redrives", kafka, GROUP, transactionalId, Topics.REDRIVES, this::carryOut,
                () -> metrics.redrive("failed"));
    }

    private CommandFollower.Effects carryOut(ConsumerRecord<String, Redrive> request) {
        Redrive redrive = request.value();
        if (redrive == null || !redrive.getAwaitsIngest() || !(redrive.getSubject() instanceof WebhookReplay replay)) {
            return CommandFollower.Effects.NONE;
        }
        Optional<MappedWebhook> mapped = mapAgain(redrive, replay);
        if (mapped.isEmpty()) {
            return new CommandFollower.Effects(List.of(), () -> metrics.redrive("refused"));
        }
        RecordSealer.Sealing sealing = sealer.seal(mapped.get().records());
        return new CommandFollower.Effects(sealing.records(), () -> {
            sealing.committed();
            metrics.redrive("written");
            log.info("redrive {} by {}: webhook {} written again", redrive.getRedriveId(), redrive.getRequestedBy(), replay.getEventId());
        });
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

    @Override
    public void close() {
        follower.close();
    }
}
