package dev.onramp.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The audit queries as values, for programs (and tests) that want them without the command line. */
public final class AuditAccess {
    private final TopicReader scan;
    private final SchemaRegistry registry;
    private final Map<String, Object> clientConfig;

    public AuditAccess(String bootstrapServers, SchemaRegistry registry) {
        this.clientConfig = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.scan = TopicReader.of(bootstrapServers);
        this.registry = registry;
    }

    /** The session's timeline, one map per entry ({@code at}, {@code kind}, then the details), recipients masked. */
    public List<Map<String, Object>> timeline(String sessionId) {
        try (KafkaKeyStore keys = new KafkaKeyStore(clientConfig, new RegistryAvroDeserializer<>(SubjectKey.class, registry),
                Duration.ZERO)) {
            return new SessionTimeline(scan, registry, keys).of(sessionId, null, false).stream().map(entry -> {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("at", entry.at());
                line.put("kind", entry.kind());
                line.putAll(entry.details());
                return line;
            }).toList();
        }
    }

    /** Every raw webhook, from the start or from {@code since}. */
    public List<ConsumerRecord<String, RawWebhook>> rawWebhooks(Instant since) {
        return scan.read(Topics.WEBHOOKS_RAW.name(),
                new RegistryAvroDeserializer<>(RawWebhook.class, registry), since, key -> true);
    }

    public Map<String, Long> report(Instant from, Instant to) {
        return new AuditReport(scan, registry).of(from, to);
    }
}
