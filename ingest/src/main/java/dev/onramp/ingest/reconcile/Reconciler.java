package dev.onramp.ingest.reconcile;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onramp.ingest.IngestMetrics;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.ingest.mint.StripeOnramp;
import dev.onramp.session.webhook.UnmappableWebhook;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.runtime.HealthCheck;
import dev.onramp.runtime.kafka.ConsumerLoop;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.AlertKind;
import dev.onramp.schemas.EventSource;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.StripeAnswer;
import dev.onramp.schemas.StripeLookup;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Stripe about sessions the pipeline has stopped hearing of, so that a session whose webhooks were lost (the
 * endpoint down past Stripe's retries, the webhook disabled, a wrong secret) still ends here. It reads the
 * processor's lookup alerts (a session quiet past its status's threshold), looks each session up with
 * {@code GET /v1/crypto/onramp_sessions/:id}, and writes what Stripe says as an event with source RECONCILIATION,
 * through the same de-duplication and ordering as webhooks: its event id is derived from the session and status
 * (looked up twice, it is one event) and its ordering time is the session's creation, so it can move a session
 * forward by status but never counts as newer than a webhook of the same status. A late webhook and a reconciliation
 * therefore never make two outcomes. The time Stripe answered is the event's {@code status_observed_at}, which an
 * outcome it decides carries as its {@code occurred_at}. Each lookup is recorded on {@code onramp.stripe-lookups.v1}.
 *
 * <p>Lookups are paced ({@code STRIPE_LOOKUPS_PER_SECOND}, one at a time), and stripe-java retries a 429 with
 * backoff; an alert whose lookup fails is tried again before its offset is committed.
 */
public final class Reconciler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final int PAGE = 100;

    private final StripeOnramp stripe;
    private final TransactionalEventWriter writer;
    private final WebhookMapper mapper;
    private final IngestMetrics metrics;
    private final Duration writeTimeout;
    private final long pauseNanos;
    private final Clock clock;
    private final AtomicLong failingSince = new AtomicLong(-1);
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private KafkaConsumer<String, SessionAlert> alerts;
    private ConsumerLoop loop;

    public Reconciler(StripeOnramp stripe, TransactionalEventWriter writer, WebhookMapper mapper, IngestMetrics metrics,
                      Duration writeTimeout, double lookupsPerSecond, Clock clock) {
        this.stripe = stripe;
        this.writer = writer;
        this.mapper = mapper;
        this.metrics = metrics;
        this.writeTimeout = writeTimeout;
        this.pauseNanos = (long) (1e9 / Math.max(0.1, lookupsPerSecond));
        this.clock = clock;
    }

    /** Follows {@code onramp.session-alerts.v1} as group {@code groupId} until closed. */
    public Reconciler followAlerts(KafkaConnection kafka, String groupId) {
        alerts = new KafkaConsumer<>(ConsumerLoop.groupConsumerConfig(kafka, groupId, 50), new StringDeserializer(),
                new RegistryAvroDeserializer<>(SessionAlert.class, kafka.registryClient()));
        alerts.subscribe(List.of(Topics.SESSION_ALERTS.name()));
        loop = ConsumerLoop.start("reconciliation", alerts, this::followOnce);
        return this;
    }

    /**
     * A lookup that fails (Stripe or Kafka away) is not skipped: the consumer seeks back to that alert and polls again
     * after a pause, so the group keeps its member while Stripe is down, and the alert is tried until it goes through.
     */
    private void followOnce() throws InterruptedException {
        var batch = alerts.poll(Duration.ofMillis(500));
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        Set<TopicPartition> waiting = new HashSet<>();
        for (ConsumerRecord<String, SessionAlert> record : batch) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (waiting.contains(partition)) {
                continue; // this partition waits for an earlier alert's retry
            }
            if (record.value().getKind() == AlertKind.PAST_FINAL_HORIZON || reconcile(record.value())) {
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            } else {
                alerts.seek(partition, record.offset());
                waiting.add(partition);
            }
        }
        if (!done.isEmpty()) {
            alerts.commitSync(done);
        }
        if (!waiting.isEmpty()) {
            Thread.sleep(Duration.ofSeconds(5).toMillis());
        }
    }

    /**
     * Looks up the session an alert names and writes what Stripe says: the session as a RECONCILIATION event, and the
     * lookup itself on {@code onramp.stripe-lookups.v1}, in one transaction; a session Stripe does not know goes on
     * the lookups topic only, where the console shows it to an operator. False when it should be tried again later.
     */
    public boolean reconcile(SessionAlert alert) throws InterruptedException {
        String sessionId = alert.getSessionId();
        pace();
        StripeOnramp.Answer answer = stripe.retrieve(sessionId);
        Instant answeredAt = clock.instant();
        StripeLookup.Builder lookup = StripeLookup.newBuilder().setSessionId(sessionId).setLookedUpAt(answeredAt)
                .setAlertKind(alert.getKind().name()).setAlertSequence(alert.getSequence());
        if (answer instanceof StripeOnramp.Answer.Session session) {
            List<ProducerRecord<String, ? extends SpecificRecord>> records = new ArrayList<>();
            Optional<OnrampSessionEvent> event = snapshot(session.session(), answeredAt);
            event.ifPresent(e -> records.add(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), sessionId, e)));
            lookup.setAnswer(StripeAnswer.FOUND).setStatusRaw(session.session().path("status").asText(null))
                    .setEventId(event.map(OnrampSessionEvent::getEventId).orElse(null));
            records.add(new ProducerRecord<>(Topics.STRIPE_LOOKUPS.name(), sessionId, lookup.build()));
            return written(records, event.isPresent() ? "written" : "unreadable");
        }
        if (answer instanceof StripeOnramp.Answer.Refused refused && refused.status() == 404) {
            log.warn("reconciliation: Stripe does not know session {} ({}); recorded for an operator (console, needs a human)",
                    sessionId, refused.message());
            lookup.setAnswer(StripeAnswer.UNKNOWN_AT_STRIPE);
            return written(List.of(new ProducerRecord<>(Topics.STRIPE_LOOKUPS.name(), sessionId, lookup.build())), "unknown_at_stripe");
        }
        log.warn("reconciliation of {} failed, trying again: {}", sessionId, answer);
        metrics.reconciliation("failed");
        failed(answer.toString());
        return false;
    }

    private boolean written(List<ProducerRecord<String, ? extends SpecificRecord>> records, String outcome) {
        try {
            writer.write(records, writeTimeout);
        } catch (TransactionalEventWriter.WriteFailed e) {
            log.warn("reconciliation: Kafka did not take the lookup of {}: {}; trying again", records.get(0).key(), e.getMessage());
            metrics.reconciliation("failed");
            failed("Kafka did not take the lookup");
            return false;
        }
        metrics.reconciliation(outcome);
        failingSince.set(-1);
        return true;
    }

    private Optional<OnrampSessionEvent> snapshot(JsonNode session, Instant answeredAt) {
        String id = session.path("id").asText();
        try {
            return Optional.of(mapper.snapshot(session, EventSource.RECONCILIATION,
                    "recon_" + id + "_" + session.path("status").asText(), "onramp.session_reconciled", answeredAt));
        } catch (UnmappableWebhook e) {
            log.warn("reconciliation: Stripe's session {} could not be read: {}", id, e.getMessage());
            return Optional.empty();
        }
    }

    private void failed(String reason) {
        lastFailure.set(reason);
        failingSince.compareAndSet(-1, System.nanoTime());
    }

    /** DEGRADED, with the last reason, once every lookup for {@code after} has failed; still ready: webhooks go on. */
    public HealthCheck health(Duration after) {
        return HealthCheck.of("reconciliation", () -> {
            long since = failingSince.get();
            if (since >= 0 && System.nanoTime() - since >= after.toNanos()) {
                throw new HealthCheck.Degraded("every Stripe lookup for " + Duration.ofNanos(System.nanoTime() - since).toSeconds()
                        + " s has failed; last: " + lastFailure.get());
            }
        });
    }

    /**
     * {@code onramp reconcile --since}: every session Stripe created since then, page by page, written as it is now.
     * Safe to run twice: each snapshot's event id is derived from session and status.
     */
    public long backfill(Instant since, PrintStream progress) throws InterruptedException {
        long written = 0;
        String after = null;
        while (true) {
            pace();
            StripeOnramp.Answer answer = stripe.list(since.getEpochSecond(), after, PAGE);
            if (!(answer instanceof StripeOnramp.Answer.Session page)) {
                throw new IllegalStateException("Stripe's list failed: " + answer);
            }
            List<JsonNode> sessions = new ArrayList<>();
            page.session().path("data").forEach(sessions::add);
            if (!sessions.isEmpty() && !write(sessions)) {
                throw new IllegalStateException("Kafka did not take the page ending at " + after);
            }
            written += sessions.size();
            progress.printf("reconciled %d sessions%n", written);
            if (!page.session().path("has_more").asBoolean(false) || sessions.isEmpty()) {
                return written;
            }
            after = sessions.get(sessions.size() - 1).path("id").asText();
        }
    }

    private boolean write(List<JsonNode> sessions) {
        Instant answeredAt = clock.instant();
        List<ProducerRecord<String, ? extends SpecificRecord>> records = new ArrayList<>();
        for (JsonNode session : sessions) {
            snapshot(session, answeredAt).ifPresent(e -> records.add(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), e.getSessionId(), e)));
        }
        try {
            writer.write(records, writeTimeout);
            records.forEach(r -> metrics.reconciliation("written"));
            return true;
        } catch (TransactionalEventWriter.WriteFailed e) {
            log.warn("reconciliation: Kafka did not take {} snapshots: {}", records.size(), e.getMessage());
            return false;
        }
    }

    private void pace() throws InterruptedException {
        Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
