package dev.onramp.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.onramp.schemas.serde.SchemaRegistryClient;
import dev.onramp.testkit.DevStackExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contracts made true on a real broker and registry, checked by describing them, twice (idempotence). */
class TopicContractsIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    @Test
    void createsEveryTopicWithItsPolicyAndEverySubjectFullTransitive() throws Exception {
        SchemaRegistryClient registry = new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers()))) {
            TopicContracts.ensure(admin, registry, 3, (short) 1);
            TopicContracts.ensure(admin, registry, 3, (short) 1);

            List<ConfigResource> resources = Topics.ALL.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
            Map<String, Integer> partitions = admin.describeTopics(Topics.ALL.stream().map(Topic::name).toList())
                    .allTopicNames().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions().size()));

            for (Topic<?> topic : Topics.ALL) {
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
                topic.configs().forEach((name, value) ->
                        assertThat(config.get(name).value()).as("%s %s", topic.name(), name).isEqualTo(value));
                assertThat(partitions.get(topic.name())).as(topic.name()).isEqualTo(topic == Topics.SUBJECT_KEYS ? 1 : 3);
                assertThat(registry.compatibility(topic.valueSubject())).isEqualTo("FULL_TRANSITIVE");
            }
        }
        assertThat(configs(Topics.WEBHOOKS_RAW)).containsEntry("retention.ms", "-1").containsEntry("cleanup.policy", "delete");
        assertThat(configs(Topics.SESSION_STATE)).containsEntry("cleanup.policy", "compact");
    }

    private static Map<String, String> configs(Topic<?> topic) {
        return topic.configs();
    }
}
