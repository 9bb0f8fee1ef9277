package dev.onramp.bench.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.onramp.devstack.simulate.OnrampSimulator;
import dev.onramp.devstack.simulate.SessionScript;
import dev.onramp.devstack.simulate.SimulationPlan;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts a simulated plan's invariants from the topics (read_committed) and what the channels received: every
 * accepted webhook on the raw and events topics, one right outcome per terminal session, every outcome notified on
 * each channel its recipient named, and how many sends were repeated.
 */
final class RunTally {
    private final SimulationPlan plan;
    private final TopicReader scan;
    private final SchemaRegistryClient registry;
    private final Set<String> sessionIds;

    private RunTally(SimulationPlan plan, String bootstrap, String registryUrl) {
        this.plan = plan;
        this.sessionIds = plan.sessionIds();
        this.scan = TopicReader.of(bootstrap);
        this.registry = new SchemaRegistryClient(registryUrl, Duration.ofSeconds(5));
    }

    static RunTally of(SimulationPlan plan, String bootstrap, String registryUrl) {
        return new RunTally(plan, bootstrap, registryUrl);
    }

    /**
     * {@code received}: the emails the SMTP server holds (those to other plans' recipients are left out);
     * {@code channels}: what the push and webhook stand-ins received while this plan ran.
     */
    CrashRun.Report count(OnrampSimulator.Report simulated, MimeMessage[] received, ChannelCounts channels,
                          List<Duration> readyAfterRestart) throws MessagingException {
        Set<String> rawIds = scan.read(Topics.WEBHOOKS_RAW.name(), new RegistryAvroDeserializer<>(RawWebhook.class, registry),
                null, k -> true).stream().map(r -> r.value().getEventId()).collect(Collectors.toSet());
        Set<String> eventIds = scan.read(Topics.SESSION_EVENTS.name(), new RegistryAvroDeserializer<>(OnrampSessionEvent.class, registry),
                null, k -> true).stream().map(r -> r.value().getEventId()).collect(Collectors.toSet());
        Set<String> lost = new HashSet<>();
        for (String id : simulated.acceptedEventIds()) {
            if (!rawIds.contains(id) || !eventIds.contains(id)) {
                lost.add(id);
            }
        }
        Map<String, List<SessionOutcome>> outcomes = scan.read(Topics.SESSION_OUTCOMES.name(),
                        new RegistryAvroDeserializer<>(SessionOutcome.class, registry), null, k -> true).stream()
                .map(ConsumerRecord::value).filter(o -> sessionIds.contains(o.getSessionId()))
                .collect(Collectors.groupingBy(SessionOutcome::getSessionId));
        Set<String> recipients = plan.sessions().stream().map(SessionScript::recipientEmail).filter(e -> e != null)
                .collect(Collectors.toSet());
        Map<String, Set<String>> messageIdsByAddress = new HashMap<>();
        int emails = 0;
        for (MimeMessage message : received) {
            String address = message.getAllRecipients()[0].toString();
            if (recipients.contains(address)) {
                emails++;
                messageIdsByAddress.computeIfAbsent(address, a -> new HashSet<>()).add(message.getMessageID());
            }
        }
        Set<String> withoutOutcome = new HashSet<>();
        Map<String, Integer> duplicates = new TreeMap<>();
        Set<String> wrong = new HashSet<>();
        Set<String> missed = new HashSet<>(missedOnOtherChannels());
        for (SessionScript session : plan.sessions()) {
            List<SessionOutcome> mine = outcomes.getOrDefault(session.sessionId(), List.of());
            if (session.terminal()) {
                OutcomeKind expected = session.ending() == SessionScript.Ending.FULFILLED ? OutcomeKind.FULFILLED : OutcomeKind.REJECTED;
                if (mine.isEmpty()) {
                    withoutOutcome.add(session.sessionId());
                } else if (mine.size() > 1) {
                    duplicates.put(session.sessionId(), mine.size());
                } else if (mine.get(0).getOutcome() != expected) {
                    wrong.add(session.sessionId());
                }
                if (session.recipientEmail() != null && !messageIdsByAddress.containsKey(session.recipientEmail())) {
                    missed.add(session.sessionId());
                }
            } else if (!mine.isEmpty()) {
                wrong.add(session.sessionId());
            }
        }
        Set<String> twoDifferent = messageIdsByAddress.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        return new CrashRun.Report(simulated.accepted(), simulated.retried(), simulated.failed(), List.copyOf(readyAfterRestart),
                outcomes.values().stream().mapToInt(List::size).sum(), lost, withoutOutcome, duplicates, wrong, missed,
                twoDifferent, emails, emails - messageIdsByAddress.size(), channels.pushes(),
                channels.pushRequests() - channels.pushes(), channels.webhooksVerified(),
                channels.webhookRequests() - channels.webhooksVerified());
    }

    /**
     * The plan's outcomes by the id of the schema they were written with (bytes 1 to 4 of the Confluent format), each
     * also decoded with {@code readerSchema} as a reader on that release would: a record it cannot read throws.
     */
    Map<Integer, Long> outcomesByWriterSchema(Schema readerSchema) {
        Map<Integer, Long> bySchema = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : scan.read(Topics.SESSION_OUTCOMES.name(), new ByteArrayDeserializer(), null,
                sessionIds::contains)) {
            ByteBuffer value = ByteBuffer.wrap(r.value());
            value.get();
            int schemaId = value.getInt();
            try {
                new GenericDatumReader<GenericRecord>(registry.schemaById(schemaId), readerSchema).read(null,
                        DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null));
            } catch (IOException e) {
                throw new UncheckedIOException("outcome of " + r.key() + " unreadable with the reader schema", e);
            }
            bySchema.merge(schemaId, 1L, Long::sum);
        }
        return bySchema;
    }

    /** Terminal sessions whose recipient named a push subscription or a webhook URL, with no SENT on that channel. */
    private Set<String> missedOnOtherChannels() {
        Map<Channel, Set<String>> sent = new EnumMap<>(Channel.class);
        Map<String, List<String>> steps = new HashMap<>();
        for (ConsumerRecord<String, NotificationRecord> r : scan.read(Topics.NOTIFICATIONS.name(),
                new RegistryAvroDeserializer<>(NotificationRecord.class, registry), null, k -> true)) {
            NotificationRecord record = r.value();
            if (!sessionIds.contains(record.getSessionId())) {
                continue;
            }
            steps.computeIfAbsent(record.getSessionId() + " " + record.getChannel(), k -> new ArrayList<>()).add(record.getStatus().name());
            if (record.getStatus() == DeliveryStatus.SENT) {
                sent.computeIfAbsent(record.getChannel(), c -> new HashSet<>()).add(record.getSessionId());
            }
        }
        Set<String> missed = new HashSet<>();
        for (SessionScript session : plan.sessions()) {
            if (!session.terminal() || session.recipientEmail() == null) {
                continue;
            }
            for (Channel channel : List.of(Channel.PUSH, Channel.WEBHOOK)) {
                boolean registered = channel == Channel.PUSH ? OnrampSimulator.registersPush(session.sessionId())
                        : OnrampSimulator.registersWebhook(session.sessionId());
                if (registered && !sent.getOrDefault(channel, Set.of()).contains(session.sessionId())) {
                    // What the notifier did record for it, to tell "never decided" from "still retrying".
                    missed.add(session.sessionId() + " (" + channel.name().toLowerCase(Locale.ROOT) + ": "
                            + steps.getOrDefault(session.sessionId() + " " + channel, List.of("no record")) + ")");
                }
            }
        }
        return missed;
    }
}
