package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.onramp.schemas.Topics;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** deploy/kafka/acls.json against the contracts: who writes each topic, and what another team may do. */
class AclSpecTest {
    private final AclSpec spec = read();

    private static AclSpec read() {
        try {
            return AclSpec.read(Path.of("../deploy/kafka/acls.json"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theJarShipsTheFileSoTheImageAppliesThisBuildsAcls() throws Exception {
        assertThat(AclSpec.shipped()).isEqualTo(spec);
    }

    @Test
    void eachTopicIsWrittenByTheServiceThatOwnsItAndNoOtherPrincipal() {
        Map<String, Set<String>> writers = new TreeMap<>();
        spec.principals().forEach((name, grants) -> grants.write().forEach(topic -> writers.computeIfAbsent(topic, t -> new TreeSet<>()).add(name)));
        Map<String, Set<String>> owners = new TreeMap<>();
        Topics.ALL.forEach(topic -> owners.put(topic.name(), Set.of()));
        owners.putAll(Map.ofEntries(
                Map.entry(Topics.WEBHOOKS_RAW.name(), Set.of("ingest")),
                Map.entry(Topics.WEBHOOKS_DLQ.name(), Set.of("ingest")),
                // A webhook redrive is a command the console records and ingest carries out (WebhookRedrives).
                Map.entry(Topics.SESSION_EVENTS.name(), Set.of("ingest")),
                Map.entry(Topics.RECIPIENTS.name(), Set.of("ingest")),
                Map.entry(Topics.SESSION_STATE.name(), Set.of("processor")),
                Map.entry(Topics.SESSION_OUTCOMES.name(), Set.of("processor")),
                Map.entry(Topics.SESSION_ALERTS.name(), Set.of("processor")),
                Map.entry(Topics.STRIPE_LOOKUPS.name(), Set.of("ingest")),
                Map.entry(Topics.NOTIFICATION_INTENTS.name(), Set.of("notifier")),
                Map.entry(Topics.NOTIFICATION_RESULTS.name(), Set.of("notifier")),
                Map.entry(Topics.NOTIFICATIONS.name(), Set.of("notifier")),
                Map.entry(Topics.NOTIFICATIONS_DLQ.name(), Set.of("notifier")),
                // Unsubscribe links (ingest) and gone addresses (the notifier): schemas/README.md says why two.
                Map.entry(Topics.SUPPRESSIONS.name(), Set.of("ingest", "notifier")),
                Map.entry(Topics.REDRIVES.name(), Set.of("console")),
                // An erasure asked on the console is a command ingest carries out (ErasureRequests).
                Map.entry(Topics.ERASURE_REQUESTS.name(), Set.of("console")),
                Map.entry(Topics.SUBJECT_KEYS.name(), Set.of("ingest")),
                Map.entry(Topics.POISON_RECORDS.name(), Set.of("processor", "notifier"))));
        Map<String, Set<String>> expected = new TreeMap<>();
        owners.forEach((topic, names) -> expected.put(topic, new TreeSet<>(names)));
        assertThat(writers).isEqualTo(expected);
    }

    @Test
    void anotherTeamReadsThePublicTopicsAndWritesNothing() {
        AclSpec.Grants otherTeam = spec.principals().get("other-team");
        assertThat(otherTeam.write()).isEmpty();
        assertThat(otherTeam.internalTopics()).isEmpty();
        assertThat(otherTeam.transactionalIds()).isEmpty();
        assertThat(otherTeam.read()).contains(Topics.SESSION_OUTCOMES.name())
                .doesNotContain(Topics.RECIPIENTS.name(), Topics.NOTIFICATION_INTENTS.name(), Topics.NOTIFICATION_RESULTS.name(),
                        Topics.POISON_RECORDS.name(), Topics.WEBHOOKS_DLQ.name(), Topics.NOTIFICATIONS_DLQ.name());
        assertThat(otherTeam.groups()).allSatisfy(prefix -> assertThat(prefix).doesNotStartWith("onramp"));
    }

    @Test
    void grantsBecomeAllowRulesLiteralForTopicsAndPrefixedForWhatAnAppNames() {
        assertThat(spec.bindings()).contains(
                new AclBinding(new ResourcePattern(ResourceType.TOPIC, Topics.SESSION_EVENTS.name(), PatternType.LITERAL),
                        new AccessControlEntry("User:ingest", "*", AclOperation.WRITE, AclPermissionType.ALLOW)),
                new AclBinding(new ResourcePattern(ResourceType.TOPIC, "onramp-processor", PatternType.PREFIXED),
                        new AccessControlEntry("User:processor", "*", AclOperation.ALL, AclPermissionType.ALLOW)),
                new AclBinding(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "onramp-notifier", PatternType.PREFIXED),
                        new AccessControlEntry("User:notifier", "*", AclOperation.WRITE, AclPermissionType.ALLOW)));
        assertThat(spec.bindings()).allSatisfy(binding -> assertThat(binding.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW));
    }
}
