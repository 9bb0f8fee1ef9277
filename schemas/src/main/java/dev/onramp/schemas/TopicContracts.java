package dev.onramp.schemas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the contracts true on a cluster and a registry: creates missing topics with their policies, sets every
 * value subject to FULL_TRANSITIVE and registers the current schemas. Every service runs it at start-up; it is
 * idempotent, so any number of them may race.
 */
public final class TopicContracts {
    private static final Logger log = LoggerFactory.getLogger(TopicContracts.class);
    public static final String COMPATIBILITY = "FULL_TRANSITIVE";

    private TopicContracts() {
    }

    public static void ensure(Admin admin, SchemaRegistry registry, int partitions, short replicationFactor) {
        ensureTopics(admin, Topics.ALL, partitions, replicationFactor);
        for (Topic<?> topic : Topics.ALL) {
            ensureSchema(registry, topic);
        }
    }

    public static void ensureTopics(Admin admin, Collection<Topic<?>> topics, int partitions, short replicationFactor) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            String minInsync = String.valueOf(Math.min(2, replicationFactor));
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?> topic : topics) {
                if (!existing.contains(topic.name())) {
                    Map<String, String> configs = new HashMap<>(topic.configs());
                    configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync);
                    missing.add(new NewTopic(topic.name(), partitions, replicationFactor).configs(configs));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    log.info("created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + entry.getKey() + ": " + e.getCause(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while creating topics: " + e, e);
        }
    }

    public static void ensureSchema(SchemaRegistry registry, Topic<?> topic) {
        registry.setCompatibility(topic.valueSubject(), COMPATIBILITY);
        registry.register(topic.valueSubject(), topic.valueSchema());
    }
}
