package dev.onramp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The pipeline's Kafka ACLs as data ({@code deploy/kafka/acls.json}): per principal the topics it writes and reads,
 * the prefixes of its Streams app's internal topics, consumer groups and transactional ids. {@link #bindings()} turns
 * them into the allow rules Kafka's authorizer keeps; anything else is denied.
 */
record AclSpec(Map<String, Grants> principals) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What one principal may do. Topic names are literal; the other lists are prefixes. */
    @JsonIgnoreProperties("_comment")
    record Grants(List<String> write, List<String> read, @JsonProperty("internal_topics") List<String> internalTopics,
                  List<String> groups, @JsonProperty("describe_groups") List<String> describeGroups,
                  @JsonProperty("transactional_ids") List<String> transactionalIds) {
        Grants {
            write = orEmpty(write);
            read = orEmpty(read);
            internalTopics = orEmpty(internalTopics);
            groups = orEmpty(groups);
            describeGroups = orEmpty(describeGroups);
            transactionalIds = orEmpty(transactionalIds);
        }

        private static List<String> orEmpty(List<String> list) {
            return list == null ? List.of() : List.copyOf(list);
        }
    }

    @JsonIgnoreProperties("_comment")
    private record File(Map<String, Grants> principals) {
    }

    static AclSpec read(Path file) throws IOException {
        return new AclSpec(new TreeMap<>(JSON.readValue(file.toFile(), File.class).principals()));
    }

    /** The ACL data of this build, shipped in the jar (deploy/kafka/acls.json). */
    static AclSpec shipped() throws IOException {
        try (InputStream in = AclSpec.class.getResourceAsStream("acls.json")) {
            if (in == null) {
                throw new IOException("acls.json is not in this build's jar");
            }
            return new AclSpec(new TreeMap<>(JSON.readValue(in, File.class).principals()));
        }
    }

    static String principal(String name) {
        return "User:" + name;
    }

    Set<String> managedPrincipals() {
        Set<String> names = new LinkedHashSet<>();
        principals.keySet().forEach(name -> names.add(principal(name)));
        return names;
    }

    Set<AclBinding> bindings() {
        Set<AclBinding> bindings = new LinkedHashSet<>();
        principals.forEach((name, grants) -> {
            String principal = principal(name);
            grants.write().forEach(topic -> bindings.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE)));
            grants.read().forEach(topic -> bindings.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ)));
            grants.internalTopics().forEach(prefix -> bindings.add(allow(principal, ResourceType.TOPIC, prefix, PatternType.PREFIXED,
                    AclOperation.ALL)));
            grants.groups().forEach(prefix -> bindings.add(allow(principal, ResourceType.GROUP, prefix, PatternType.PREFIXED,
                    AclOperation.READ)));
            grants.describeGroups().forEach(prefix -> bindings.add(allow(principal, ResourceType.GROUP, prefix, PatternType.PREFIXED,
                    AclOperation.DESCRIBE)));
            grants.transactionalIds().forEach(prefix -> bindings.add(allow(principal, ResourceType.TRANSACTIONAL_ID, prefix,
                    PatternType.PREFIXED, AclOperation.WRITE)));
        });
        return bindings;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
