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
import java.util.stream.Collectors;

import dev.onramp.schemas.serde.SchemaRegistry;
import dev.onramp.schemas.serde.SchemaRegistryException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contracts on a cluster and a registry: topics with their policies, every value subject at FULL_TRANSITIVE,
 * this build's schema registered under each. {@link #apply} makes them true (idempotent, so any number of callers
 * may race); {@link #verify} only checks, for services that may not change the registry in production
 * ({@code ONRAMP_CONTRACTS=verify}), and stops a start with every problem named.
 */
public final class TopicContracts {
    private static final Logger log = LoggerFactory.getLogger(TopicContracts.class);
    public static final String COMPATIBILITY = "FULL_TRANSITIVE";

    /** What a service does with the contracts when it starts. */
    public enum Mode {
        /** Creates what is missing and registers this build's schemas (development, tests). */
        APPLY,
        /** Changes nothing; refuses to start unless the contracts are this build's. */
        VERIFY
    }

    private TopicContracts() {
    }

    /** The value subjects of every contract: what only the deploy step registers. */
    public static Set<String> contractSubjects() {
        return Topics.ALL.stream().map(Topic::valueSubject).collect(Collectors.toUnmodifiableSet());
    }

    public static void ensure(Admin admin, SchemaRegistry registry, int partitions, short replicationFactor) {
        apply(admin, registry, partitions, replicationFactor);
    }

    /** Makes the contracts true; returns each change made, for {@code onramp contracts apply} to print. */
    public static List<String> apply(Admin admin, SchemaRegistry registry, int partitions, short replicationFactor) {
        List<String> changes = new ArrayList<>(ensureTopics(admin, Topics.ALL, partitions, replicationFactor));
        for (Topic<?> topic : Topics.ALL) {
            changes.addAll(ensureSchema(registry, topic));
        }
        return changes;
    }

    /**
     * Checks that every topic exists, every value subject is FULL_TRANSITIVE and holds this build's schema; throws
     * naming every problem otherwise. Reads only, so a read-only registry credential suffices.
     */
    public static void verify(Admin admin, SchemaRegistry registry) {
        List<String> problems = new ArrayList<>();
        Set<String> visible = topicNames(admin);
        for (Topic<?> topic : Topics.ALL) {
            if (!visible.contains(topic.name()) && !existsUnseen(admin, topic.name())) {
                problems.add("topic " + topic.name() + " does not exist");
            }
            try {
                registry.lookup(topic.valueSubject(), topic.valueSchema());
            } catch (SchemaRegistryException e) {
                if (e.httpStatus() != 404) {
                    throw e;
                }
                problems.add(topic.valueSubject() + " holds no version equal to this build's schema");
            }
            String level = compatibilityOrNull(registry, topic.valueSubject());
            if (!COMPATIBILITY.equals(level)) {
                problems.add(topic.valueSubject() + " is " + (level == null ? "without a compatibility rule" : level) + ", not " + COMPATIBILITY);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the cluster's contracts are not this build's (ONRAMP_CONTRACTS=verify: services change"
                    + " nothing): " + String.join("; ", problems) + ". Run `onramp contracts apply` with this build and an admin"
                    + " credential first (the deploy step does), then start the services again");
        }
    }

    private static String compatibilityOrNull(SchemaRegistry registry, String subject) {
        try {
            return registry.compatibility(subject);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                return null;
            }
            throw e;
        }
    }

    /**
     * A topic a principal may not describe is not listed to it; Kafka then answers "not authorized" whether the topic
     * exists or not (so as not to tell), and a service's principal is refused only the topics that are not its
     * concern: those count as present. Only "unknown topic" is missing.
     */
    private static boolean existsUnseen(Admin admin, String topic) {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return !(e.getCause() instanceof UnknownTopicOrPartitionException);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while describing " + topic + ": " + e, e);
        }
    }

    private static Set<String> topicNames(Admin admin) {
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while listing topics: " + e, e);
        }
    }

    /** Creates the topics that do not exist yet; returns what it created. */
    public static List<String> ensureTopics(Admin admin, Collection<Topic<?>> topics, int partitions, short replicationFactor) {
        List<String> created = new ArrayList<>();
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            String minInsync = String.valueOf(Math.min(2, replicationFactor));
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?> topic : topics) {
                if (!existing.contains(topic.name())) {
                    Map<String, String> configs = new HashMap<>(topic.configs());
                    configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync);
                    missing.add(new NewTopic(topic.name(), topic.partitionsGiven(partitions), replicationFactor).configs(configs));
                }
            }
            if (missing.isEmpty()) {
                return created;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    log.info("created topic {}", entry.getKey());
                    int count = topics.stream().filter(t -> t.name().equals(entry.getKey())).findFirst()
                            .map(t -> t.partitionsGiven(partitions)).orElse(partitions);
                    created.add("created topic " + entry.getKey() + " (" + count + " partitions, replication " + replicationFactor + ")");
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + entry.getKey() + ": " + e.getCause(), e.getCause());
                    }
                }
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while creating topics: " + e, e);
        }
    }

    /** Sets the subject's compatibility and registers this build's schema; returns what changed. */
    public static List<String> ensureSchema(SchemaRegistry registry, Topic<?> topic) {
        List<String> changes = new ArrayList<>();
        String subject = topic.valueSubject();
        if (!COMPATIBILITY.equals(compatibilityOrNull(registry, subject))) {
            registry.setCompatibility(subject, COMPATIBILITY);
            changes.add("set " + subject + " to " + COMPATIBILITY);
        }
        try {
            registry.lookup(subject, topic.valueSchema());
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
            int id = registry.register(subject, topic.valueSchema());
            changes.add("registered this build's schema under " + subject + " (id " + id + ")");
        }
        return changes;
    }
}
