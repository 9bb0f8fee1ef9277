package dev.onramp.cli;

import java.util.List;
import java.util.concurrent.Callable;

import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.TopicContracts;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code onramp contracts}: the topics and schemas of this build on a cluster and its registry. {@code apply} is the
 * deploy step that makes them true (an admin Kafka principal and the registry's admin user); {@code verify} checks,
 * as the services do with {@code ONRAMP_CONTRACTS=verify}.
 */
@Command(name = "contracts", description = "This build's topics and schemas on a cluster and its registry.",
        subcommands = {ContractsCommand.Apply.class, ContractsCommand.Verify.class})
final class ContractsCommand {

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create missing topics, set every subject FULL_TRANSITIVE, register this build's schemas; print what changed.")
    static final class Apply implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            List<String> changes = apply(kafka.connection());
            changes.forEach(change -> System.out.println("+ " + change));
            System.out.println(changes.isEmpty() ? "the contracts were already this build's" : changes.size() + " changes");
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check, changing nothing, that the cluster and the registry hold this build's contracts.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            KafkaConnection connection = kafka.connection();
            try (Admin admin = Admin.create(connection.clientConfig())) {
                TopicContracts.verify(admin, connection.registryClient());
            } catch (IllegalStateException e) {
                System.err.println(e.getMessage());
                return 1;
            }
            System.out.println("the contracts are this build's");
            return 0;
        }
    }

    /** The contracts made true, whatever ONRAMP_CONTRACTS says: this command is the one that may change them. */
    static List<String> apply(KafkaConnection connection) {
        KafkaConnection registering = new KafkaConnection(connection.bootstrapServers(), connection.registry().registering(),
                connection.clientSettings(), connection.topicPartitions(), connection.topicReplication(), TopicContracts.Mode.APPLY);
        try (Admin admin = Admin.create(registering.clientConfig())) {
            return TopicContracts.apply(admin, registering.registryClient(), registering.topicPartitions(), registering.topicReplication());
        }
    }
}
