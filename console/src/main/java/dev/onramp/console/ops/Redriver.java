package dev.onramp.console.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.session.webhook.ClientSecretRedactor;
import dev.onramp.session.webhook.MappedWebhook;
import dev.onramp.session.webhook.UnmappableWebhook;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.NotificationRetry;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.Redrive;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookDeadLetter;
import dev.onramp.schemas.WebhookReplay;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import io.javalin.http.HttpStatus;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks for a dead letter to be sent through the pipeline again, at most once per dead letter: the console only records
 * the request on {@code onramp.redrives.v1} (who, when, what), and the service that owns what the redrive produces
 * carries it out, so every topic keeps its one writer. A dead letter already recorded there is not redriven again.
 * One redrive at a time per console: the check and the write are not raced by a second request of the same operator.
 *
 * <ul>
 *   <li>A webhook: checked here with this version's mapping, then ingest maps it again (after a mapping fix) and
 *       writes the raw webhook and session event. Refused when it still cannot be mapped, is not a session event,
 *       its session has already ended (it would not change the outcome) or its event was already applied.</li>
 *   <li>A notification gets one new attempt from the notifier, to the recipient's current address (after a
 *       recipient fix). Refused when the notification was sent since, or is no longer failed.</li>
 * </ul>
 */
public final class Redriver {
    private static final Logger log = LoggerFactory.getLogger(Redriver.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final DeadLetters deadLetters;
    private final TopicReader topics;
    private final SchemaRegistry registry;
    private final ProcessorClient processor;
    private final TransactionalEventWriter writer;
    private final ClientSecretRedactor redactor;
    private final WebhookMapper mapper = new WebhookMapper();
    private final Clock clock;

    public Redriver(DeadLetters deadLetters, TopicReader topics, SchemaRegistry registry, ProcessorClient processor,
                    TransactionalEventWriter writer, ClientSecretRedactor redactor, Clock clock) {
        this.deadLetters = deadLetters;
        this.topics = topics;
        this.registry = registry;
        this.processor = processor;
        this.writer = writer;
        this.redactor = redactor;
        this.clock = clock;
    }

    /** Redrives the entry at that place on behalf of the admin key {@code keyId}. */
    public synchronized RedriveOutcome redrive(DeadLetterKind kind, int partition, long offset, String keyId) {
        if (!kind.redrivable()) {
            throw new ApiError(HttpStatus.CONFLICT, "not_redrivable", kind.path() + " are shown, not redriven: the bytes that"
                    + " failed would fail again; release a version that reads them, then replay");
        }
        DeadLetterEntry entry = deadLetters.entry(kind, partition, offset).orElseThrow(() -> new ApiError(HttpStatus.NOT_FOUND,
                "dead_letter_not_found", "no entry at " + kind.topic().name() + "/" + partition + "/" + offset));
        return redrive(entry, keyId);
    }

    /** Redrives every entry the filter lets through, up to {@code limit}, each as {@link #redrive} would. */
    public synchronized List<RedriveOutcome> redriveAll(DeadLetterKind kind, Predicate<DeadLetterEntry> filter,
                                                        int limit, String keyId) {
        List<RedriveOutcome> outcomes = new ArrayList<>();
        for (DeadLetterEntry entry : deadLetters.page(kind, PageCursor.start(deadLetters.partitions(kind)), limit, filter).entries()) {
            outcomes.add(redrive(entry, keyId));
        }
        return outcomes;
    }

    private RedriveOutcome redrive(DeadLetterEntry entry, String keyId) {
        RedriveOutcome outcome = entry.value() instanceof WebhookDeadLetter webhook
                ? redriveWebhook(entry, webhook, keyId)
                : redriveNotification(entry, (NotificationDeadLetter) entry.value(), keyId);
        if (outcome instanceof RedriveOutcome.Redriven redriven) {
            log.info("{} redrove {}: {}", keyId, entry.id(), redriven.what());
        } else if (outcome instanceof RedriveOutcome.Refused refused) {
            log.info("{} asked to redrive {}: refused, {}", keyId, entry.id(), refused.reason());
        }
        return outcome;
    }

    private RedriveOutcome redriveWebhook(DeadLetterEntry entry, WebhookDeadLetter deadLetter, String keyId) {
        MappedWebhook mapped;
        try {
            mapped = mapper.mapAgain(deadLetter, redactor);
        } catch (UnmappableWebhook e) {
            return new RedriveOutcome.Refused(entry.id(), "still cannot be mapped by this version: " + e.getMessage());
        }
        if (mapped.event().isEmpty()) {
            return new RedriveOutcome.Refused(entry.id(), "a " + mapped.raw().getEventType() + " event is not a session event;"
                    + " nothing to redrive");
        }
        OnrampSessionEvent event = mapped.event().get();
        String sessionId = event.getSessionId();
        List<Redrive> redrives = redrives(entry, sessionId);
        Optional<RedriveOutcome> before = redrivenBefore(entry, redrives);
        if (before.isPresent()) {
            return before.get();
        }
        Optional<String> sameEvent = redrives.stream()
                .filter(r -> r.getSubject() instanceof WebhookReplay replay && replay.getEventId().equals(event.getEventId()))
                .map(Redrive::getRedriveId).findFirst();
        if (sameEvent.isPresent()) {
            return new RedriveOutcome.Refused(entry.id(), "event " + event.getEventId() + " was redriven already, from " + sameEvent.get());
        }
        Optional<ProcessorClient.SessionSummary> state = processor.session(sessionId);
        if (state.isPresent() && state.get().outcome().isPresent()) {
            return new RedriveOutcome.Refused(entry.id(), "session " + sessionId + " already ended " + state.get().outcome().get()
                    + "; this event would not change its outcome");
        }
        if (state.isPresent() && state.get().eventIds().contains(event.getEventId())) {
            return new RedriveOutcome.Refused(entry.id(), "event " + event.getEventId() + " was already applied to " + sessionId);
        }
        Redrive redrive = record(entry, sessionId, WebhookReplay.newBuilder().setEventId(event.getEventId())
                .setBodySha256(deadLetter.getBodySha256()).build(), keyId, true);
        write(List.of(new ProducerRecord<>(Topics.REDRIVES.name(), sessionId, redrive)));
        return new RedriveOutcome.Redriven(entry.id(), sessionId, "ingest maps the webhook again and writes event "
                + event.getEventId() + " (" + event.getStatusRaw() + ") to " + Topics.SESSION_EVENTS.name());
    }

    private RedriveOutcome redriveNotification(DeadLetterEntry entry, NotificationDeadLetter deadLetter, String keyId) {
        String sessionId = deadLetter.getOutcome().getSessionId();
        Optional<RedriveOutcome> before = redrivenBefore(entry, redrives(entry, sessionId));
        if (before.isPresent()) {
            return before.get();
        }
        Optional<NotificationRecord> latest = topics.readKey(Topics.NOTIFICATIONS.name(),
                        new RegistryAvroDeserializer<>(NotificationRecord.class, registry), sessionId, deadLetter.getAt().minusSeconds(60))
                .stream().map(r -> r.value())
                .filter(step -> step.getNotificationId().equals(deadLetter.getNotificationId()))
                .reduce((first, second) -> second);
        if (latest.isPresent() && latest.get().getStatus() != DeliveryStatus.FAILED) {
            return new RedriveOutcome.Refused(entry.id(), "notification " + deadLetter.getNotificationId() + " is "
                    + latest.get().getStatus() + " since " + latest.get().getAt() + "; a redrive would send a second message");
        }
        Redrive redrive = record(entry, sessionId, NotificationRetry.newBuilder().setNotificationId(deadLetter.getNotificationId())
                .setChannel(deadLetter.getChannel()).setOutcome(deadLetter.getOutcome()).build(), keyId, false);
        write(List.of(new ProducerRecord<>(Topics.REDRIVES.name(), sessionId, redrive)));
        return new RedriveOutcome.Redriven(entry.id(), sessionId, "the notifier makes one new attempt of "
                + deadLetter.getNotificationId() + " to the recipient's current address");
    }

    /** The redrive of this entry among the session's redrives, if any. */
    private static Optional<RedriveOutcome> redrivenBefore(DeadLetterEntry entry, List<Redrive> redrives) {
        return redrives.stream()
                .filter(redrive -> redrive.getRedriveId().equals(entry.id()))
                .findFirst()
                .map(redrive -> new RedriveOutcome.AlreadyRedriven(entry.id(), redrive.getRequestedBy(), redrive.getRequestedAt()));
    }

    /** The session's redrives on {@code onramp.redrives.v1} (keyed by session), from just before the entry on. */
    private List<Redrive> redrives(DeadLetterEntry entry, String sessionId) {
        return topics.readKey(Topics.REDRIVES.name(), new RegistryAvroDeserializer<>(Redrive.class, registry), sessionId,
                entry.at().minusSeconds(60)).stream().map(r -> r.value()).toList();
    }

    private Redrive record(DeadLetterEntry entry, String sessionId, Object subject, String keyId, boolean awaitsIngest) {
        return Redrive.newBuilder().setRedriveId(entry.id()).setSessionId(sessionId).setSubject(subject)
                .setRequestedBy(keyId).setRequestedAt(clock.instant()).setAwaitsIngest(awaitsIngest).build();
    }

    private void write(List<ProducerRecord<String, ? extends SpecificRecord>> records) {
        try {
            writer.write(records, WRITE_TIMEOUT);
        } catch (TransactionalEventWriter.WriteFailed e) {
            log.warn("redrive not written: {}", e.getMessage());
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "kafka_unavailable", "the redrive could not be written; retry later");
        }
    }
}
