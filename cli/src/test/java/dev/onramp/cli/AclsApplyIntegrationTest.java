package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.onramp.devstack.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `onramp acls apply` against a broker running Kafka's own authorizer: idempotent, and only its principals touched. */
class AclsApplyIntegrationTest {
    private static LocalKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = LocalKafkaBroker.startEphemeral(Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found", "false",
                // The broker's own plaintext listeners (and this test's admin) are ANONYMOUS.
                "super.users", "User:ANONYMOUS"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void applyingTwiceChangesNothingTheSecondTimeAndRemovesWhatAManagedPrincipalHasBeyondTheFile() throws Exception {
        AclSpec spec = AclSpec.read(Path.of("../deploy/kafka/acls.json"));
        AclBinding extra = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "onramp.session-outcomes.v1", PatternType.LITERAL),
                new AccessControlEntry("User:ingest", "*", AclOperation.WRITE, AclPermissionType.ALLOW));
        AclBinding someoneElses = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "their-topic", PatternType.LITERAL),
                new AccessControlEntry("User:their-app", "*", AclOperation.WRITE, AclPermissionType.ALLOW));
        admin.createAcls(List.of(extra, someoneElses)).all().get(30, TimeUnit.SECONDS);

        AclsCommand.Changes first = AclsCommand.apply(admin, spec);
        assertThat(first.added()).containsExactlyInAnyOrderElementsOf(spec.bindings());
        assertThat(first.removed()).containsExactly(extra);
        assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                .containsExactlyInAnyOrderElementsOf(union(spec, someoneElses));

        AclsCommand.Changes second = AclsCommand.apply(admin, spec);
        assertThat(second.added()).isEmpty();
        assertThat(second.removed()).isEmpty();
    }

    private static List<AclBinding> union(AclSpec spec, AclBinding other) {
        List<AclBinding> all = new ArrayList<>(spec.bindings());
        all.add(other);
        return all;
    }
}
