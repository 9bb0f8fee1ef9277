package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.onramp.console.ConsoleConfig;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.runtime.Env;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml against the code, without a container engine: each service's configuration must load from
 * exactly the settings the file gives it.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..");
    private static final VapidKeys.Generated VAPID = VapidKeys.generate();
    /** What an operator fills in for the file's {@code ${VAR:?...}} (valid-looking values, never real ones). */
    private static final Map<String, String> OPERATOR_SETS = Map.ofEntries(
            Map.entry("KAFKA_PASSWORD_INGEST", "compose-check-kafka-ingest"),
            Map.entry("KAFKA_PASSWORD_PROCESSOR", "compose-check-kafka-processor"),
            Map.entry("KAFKA_PASSWORD_NOTIFIER", "compose-check-kafka-notifier"),
            Map.entry("KAFKA_PASSWORD_CONSOLE", "compose-check-kafka-console"),
            Map.entry("KAFKA_PASSWORD_REGISTRY", "compose-check-kafka-registry"),
            Map.entry("KAFKA_PASSWORD_OTHER_TEAM", "compose-check-kafka-other-team"),
            Map.entry("PLATFORM_API_KEY", "compose-check-platform-0123456789"),
            Map.entry("STRIPE_WEBHOOK_SECRETS", "whsec_compose_check_0123456789"),
            Map.entry("ADMIN_API_KEY", "compose-check-admin-abcdef0123456"),
            Map.entry("REGISTRY_TRUSTSTORE_PASSWORD", "compose-check-truststore"),
            Map.entry("REGISTRY_ADMIN_PASSWORD", "compose-check-registry-admin"),
            Map.entry("REGISTRY_INGEST_PASSWORD", "compose-check-registry-ingest"),
            Map.entry("REGISTRY_PROCESSOR_PASSWORD", "compose-check-registry-processor"),
            Map.entry("REGISTRY_NOTIFIER_PASSWORD", "compose-check-registry-notifier"),
            Map.entry("REGISTRY_CONSOLE_PASSWORD", "compose-check-registry-console"),
            Map.entry("STRIPE_API_KEY", "rk_test_compose_check"),
            Map.entry("UNSUBSCRIBE_SECRETS", "compose-check-unsubscribe-0123456789"),
            Map.entry("UNSUBSCRIBE_BASE_URL", "https://onramp.example.com"),
            Map.entry("VAPID_PUBLIC_KEY", VAPID.publicKey()),
            Map.entry("VAPID_PRIVATE_KEY", VAPID.privateKey()),
            Map.entry("PLATFORM_WEBHOOK_SECRETS", "whsec_Y29tcG9zZS1jaGVjay1wbGF0Zm9ybS1zZWNyZXQ="));
    private static final Map<String, Function<Env, Object>> CONFIGS = Map.of(
            "ingest", IngestConfig::fromEnv, "processor", ProcessorConfig::fromEnv,
            "notifier", NotifierConfig::fromEnv, "console", ConsoleConfig::fromEnv);

    private final ComposeFile compose = ComposeFile.read(ROOT.resolve("docker-compose.yml"), OPERATOR_SETS);
    private final Map<String, Map<String, Object>> services = compose.services();

    @Test
    void eachServiceLoadsItsConfigurationFromExactlyTheseSettings() {
        assertThat(services).containsKeys("ingest", "processor", "notifier", "console");
        CONFIGS.forEach((name, config) -> assertThatCode(() -> config.apply(new Env(environment(name))))
                .as(name + "'s settings in docker-compose.yml").doesNotThrowAnyException());
    }

    @Test
    void everyVariableTheFileSetsIsOneTheCodeReads() throws IOException {
        Set<String> read = variablesInSources();
        for (String name : CONFIGS.keySet()) {
            for (String variable : environment(name).keySet()) {
                assertThat(read.contains(variable) || variable.startsWith("KAFKA_CLIENT_"))
                        .as(name + " is given " + variable + ", which no code reads (a typo?)").isTrue();
            }
        }
    }

    @Test
    void onlyIngestsPublicPortIsPublishedAndTheConsoleOnlyOnTheHostsLoopback() {
        assertThat(ports("ingest")).containsExactly("8080:8080");
        assertThat(ports("console")).allMatch(p -> p.startsWith("127.0.0.1:"));
        for (String name : List.of("registry", "registry-proxy", "contracts", "processor", "notifier", "kafka-1", "kafka-2", "kafka-3")) {
            assertThat(ports(name)).as(name + " publishes nothing").isEmpty();
        }
    }

    /** The image the build makes (cli/pom.xml's image property), each service named as its argument. */
    @Test
    @SuppressWarnings("unchecked")
    void composeAndKubernetesRunTheBuildsImageWithTheServiceAsItsArgument() throws IOException {
        String pom = Files.readString(ROOT.resolve("cli/pom.xml"));
        Matcher image = Pattern.compile("<image>([^:<]+):\\$\\{project.version}</image>").matcher(pom);
        assertThat(image.find()).as("cli/pom.xml names the image").isTrue();
        for (String name : CONFIGS.keySet()) {
            assertThat(String.valueOf(services.get(name).get("image"))).contains(image.group(1) + ":");
            assertThat((List<Object>) services.get(name).get("command")).containsExactly(name);
            assertThat(services.get(name).get("volumes")).as(name + " runs the image, not a jar mounted from the host")
                    .satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(String.valueOf(v)).doesNotContain("/app"));
        }
        Map<String, Object> kustomization = new Yaml().load(Files.readString(ROOT.resolve("deploy/k8s/kustomization.yaml")));
        assertThat(String.valueOf(kustomization.get("images"))).contains("newName=" + image.group(1));
        for (Map<String, Object> resource : kubernetesResources()) {
            if (List.of("Deployment", "StatefulSet").contains(resource.get("kind"))) {
                String name = (String) ((Map<String, Object>) resource.get("metadata")).get("name");
                Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) resource.get("spec"))
                        .get("template")).get("spec");
                Map<String, Object> container = ((List<Map<String, Object>>) spec.get("containers")).get(0);
                assertThat(container.get("image")).isEqualTo("onramp");
                assertThat((List<Object>) container.get("args")).containsExactly(name);
            }
        }
    }

    @Test
    void eachServiceLogsInToKafkaAsItsOwnPrincipalWhoseAclsAndPasswordTheDeployStepSets() throws IOException {
        AclSpec acls = AclSpec.read(ROOT.resolve("deploy/kafka/acls.json"));
        Map<String, String> deployStep = environment("kafka-access");
        assertThat(services.get("kafka-access").get("command")).isEqualTo(List.of("acls", "apply", "--set-passwords"));
        for (String principal : acls.principals().keySet()) {
            assertThat(deployStep).as("the deploy step sets %s's password", principal)
                    .containsEntry(AclsCommand.passwordVariable(principal), OPERATOR_SETS.get(AclsCommand.passwordVariable(principal)));
        }
        for (String name : CONFIGS.keySet()) {
            Map<String, String> env = environment(name);
            assertThat(acls.principals()).as("acls.json names %s", name).containsKey(name);
            assertThat(env).as(name).containsEntry("KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512");
            assertThat(env.get("KAFKA_CLIENT_SASL_JAAS_CONFIG")).as(name + " logs in as itself, with the password the deploy step sets")
                    .contains("username=\"" + name + "\"")
                    .contains("password=\"" + deployStep.get(AclsCommand.passwordVariable(name)) + "\"");
        }
        assertThat(environment("registry").get("REGISTRY_KAFKA_COMMON_SASL_JAAS_CONFIG")).contains("username=\"registry\"")
                .contains(deployStep.get(AclsCommand.passwordVariable("registry")));
        for (Map<String, Object> resource : kubernetesResources()) {
            if (List.of("Deployment", "StatefulSet").contains(resource.get("kind"))) {
                String name = String.valueOf(((Map<?, ?>) resource.get("metadata")).get("name"));
                assertThat(acls.principals()).containsKey(name);
                assertThat(String.valueOf(resource)).as("the %s workload logs in to Kafka as %s", name, name)
                        .contains("name=KAFKA_CLIENT_SASL_JAAS_CONFIG, valueFrom={secretKeyRef={name=onramp-kafka-logins, key=" + name + "}}");
            }
        }
        for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
            assertThat(environment(broker)).containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false")
                    .containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                    .doesNotContainValue("PLAINTEXT");
            assertThat(environment(broker).get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).doesNotContain("PLAINTEXT");
        }
    }

    @Test
    void asDeployedMintingUnsubscribingPushAndPlatformWebhooksAreOn() throws IOException {
        assertThat(environment("ingest")).containsKeys("STRIPE_API_KEY", "UNSUBSCRIBE_SECRETS");
        assertThat(environment("notifier")).containsKeys("UNSUBSCRIBE_BASE_URL", "UNSUBSCRIBE_SECRETS", "VAPID_PUBLIC_KEY",
                "VAPID_PRIVATE_KEY", "PLATFORM_WEBHOOK_SECRETS");
        assertThat(environment("ingest").get("UNSUBSCRIBE_SECRETS")).isEqualTo(environment("notifier").get("UNSUBSCRIBE_SECRETS"));
        assertThat(IngestConfig.fromEnv(new Env(environment("ingest"))).stripe().configured()).isTrue();
        Map<String, List<String>> needed = Map.of("ingest", List.of("STRIPE_API_KEY", "UNSUBSCRIBE_SECRETS"),
                "notifier", List.of("UNSUBSCRIBE_BASE_URL", "UNSUBSCRIBE_SECRETS", "VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY",
                        "PLATFORM_WEBHOOK_SECRETS"));
        for (Map<String, Object> resource : kubernetesResources()) {
            String name = String.valueOf(((Map<?, ?>) resource.get("metadata")).get("name"));
            if (!List.of("Deployment", "StatefulSet").contains(resource.get("kind"))) {
                continue;
            }
            for (String variable : needed.getOrDefault(name, List.of())) {
                assertThat(String.valueOf(resource)).as("Kubernetes' %s is given %s, not optionally", name, variable)
                        .contains("name=" + variable + ", valueFrom={secretKeyRef={name=onramp-secrets, key=")
                        .doesNotContain("name=" + variable + ", valueFrom={secretKeyRef={name=onramp-secrets, key="
                                + variable.toLowerCase(Locale.ROOT).replace('_', '-') + ", optional=true");
            }
        }
    }

    @Test
    void theServicesOnlyVerifyTheContractsEachWithItsOwnRegistryUserAndTheDeployStepAppliesThem() {
        for (String name : CONFIGS.keySet()) {
            assertThat(environment(name)).as(name).containsEntry("ONRAMP_CONTRACTS", "verify")
                    .containsEntry("SCHEMA_REGISTRY_USER_INFO", name + ":compose-check-registry-" + name)
                    .hasEntrySatisfying("SCHEMA_REGISTRY_URL", url -> assertThat(url).startsWith("https://registry-proxy:"));
        }
        assertThat(services.get("contracts").get("command")).isEqualTo(List.of("contracts", "apply"));
        assertThat(environment("contracts")).containsEntry("SCHEMA_REGISTRY_USER_INFO", "onramp-admin:compose-check-registry-admin");
        assertThat(String.valueOf(services.get("registry-proxy").get("volumes"))).contains("deploy/registry/registry-proxy.conf.template");
    }

    @Test
    void threeBrokersKeepEveryWriteTwiceAndTheServicesKeepTheirIdentityAcrossRestarts() {
        for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
            Map<String, String> env = environment(broker);
            assertThat(env).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3").containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2");
        }
        assertThat(environment("processor")).containsEntry("ONRAMP_TOPIC_REPLICATION", "3").containsKeys("PROCESSOR_INSTANCE_ID");
        assertThat(environment("ingest")).containsKey("INGEST_TRANSACTIONAL_ID");
        assertThat(environment("console")).containsKey("CONSOLE_TRANSACTIONAL_ID");
        assertThat(environment("notifier")).containsKey("NOTIFIER_INSTANCE_ID");
        assertThat(String.valueOf(services.get("processor").get("volumes"))).contains(":/state");
        assertThat(String.valueOf(services.get("notifier").get("volumes"))).contains(":/state");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachKubernetesWorkloadLoadsItsConfigurationAndIsProbedOnItsAdminPort() throws IOException {
        Map<String, String> configMap = new HashMap<>();
        Map<String, Map<String, Object>> workloads = new HashMap<>();
        for (Map<String, Object> resource : kubernetesResources()) {
            Map<String, Object> metadata = (Map<String, Object>) resource.get("metadata");
            if ("ConfigMap".equals(resource.get("kind"))) {
                ((Map<String, Object>) resource.get("data")).forEach((k, v) -> configMap.put(k, String.valueOf(v)));
            } else if (List.of("Deployment", "StatefulSet").contains(resource.get("kind"))) {
                workloads.put((String) metadata.get("name"), resource);
            }
        }
        assertThat(workloads.keySet()).containsExactlyInAnyOrder("ingest", "processor", "notifier", "console");
        assertThat(workloads.get("processor").get("kind")).isEqualTo("StatefulSet");
        assertThat(workloads.get("notifier").get("kind")).isEqualTo("StatefulSet");
        Set<String> read = variablesInSources();
        Map<String, Integer> adminPorts = Map.of("ingest", 8090, "processor", 8091, "notifier", 8082, "console", 8095);
        workloads.forEach((name, workload) -> {
            Map<String, Object> container = ((List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                    ((Map<String, Object>) workload.get("spec")).get("template")).get("spec")).get("containers")).get(0);
            Map<String, String> env = new HashMap<>(configMap);
            for (Map<String, Object> variable : (List<Map<String, Object>>) container.get("env")) {
                String variableName = (String) variable.get("name");
                assertThat(read.contains(variableName) || variableName.startsWith("KAFKA_CLIENT_") || "POD_NAME".equals(variableName))
                        .as(name + " is given " + variableName + ", which no code reads").isTrue();
                Object value = variable.get("value");
                String secret = variable.containsKey("valueFrom") && String.valueOf(variable.get("valueFrom")).contains("secretKeyRef")
                        ? OPERATOR_SETS.getOrDefault(variableName.replace("_KEYS", "_KEY"), "whsec_k8s_check_0123456789") : null;
                String podName = name + "-0";
                env.put(variableName, value != null ? String.valueOf(value).replace("$(POD_NAME)", podName) : secret != null ? secret : podName);
            }
            env.values().removeIf(v -> v.isEmpty());
            if (!"notifier".equals(name)) {
                env.keySet().removeIf(k -> k.startsWith("SMTP_") || k.startsWith("VAPID_"));
            }
            assertThatCode(() -> CONFIGS.get(name).apply(new Env(env))).as(name + "'s settings in deploy/k8s").doesNotThrowAnyException();
            Map<String, Object> probe = (Map<String, Object>) ((Map<String, Object>) container.get("readinessProbe")).get("httpGet");
            String portName = String.valueOf(probe.get("port"));
            int probed = ((List<Map<String, Object>>) container.get("ports")).stream().filter(p -> portName.equals(p.get("name")))
                    .map(p -> (Integer) p.get("containerPort")).findFirst().orElseThrow();
            assertThat(probed).as(name + " is probed on its health port").isEqualTo(adminPorts.get(name));
        });
        assertThat(String.valueOf(workloads.get("processor"))).contains("PROCESSOR_INSTANCE_ID, value=$(POD_NAME)");
        assertThat(String.valueOf(workloads.get("notifier"))).contains("NOTIFIER_INSTANCE_ID, value=$(POD_NAME)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesRunsEveryPodLockedDownBehindDefaultDenyPolicies() throws IOException {
        List<Map<String, Object>> resources = kubernetesResources();
        Map<String, Object> namespace = resources.stream().filter(r -> "Namespace".equals(r.get("kind"))).findFirst().orElseThrow();
        assertThat((Map<String, Object>) ((Map<String, Object>) namespace.get("metadata")).get("labels"))
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        for (Map<String, Object> resource : resources) {
            if (!List.of("Deployment", "StatefulSet").contains(resource.get("kind"))) {
                continue;
            }
            String name = (String) ((Map<String, Object>) resource.get("metadata")).get("name");
            Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) resource.get("spec"))
                    .get("template")).get("spec");
            assertThat(pod).as(name).containsEntry("automountServiceAccountToken", false);
            Map<String, Object> podSecurity = (Map<String, Object>) pod.get("securityContext");
            assertThat(podSecurity).as(name).containsEntry("runAsNonRoot", true)
                    .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
            for (Map<String, Object> container : (List<Map<String, Object>>) pod.get("containers")) {
                assertThat((Map<String, Object>) container.get("securityContext")).as(name)
                        .containsEntry("allowPrivilegeEscalation", false).containsEntry("readOnlyRootFilesystem", true)
                        .containsEntry("capabilities", Map.of("drop", List.of("ALL")));
            }
        }
        Map<String, Map<String, Object>> policies = new HashMap<>();
        resources.stream().filter(r -> "NetworkPolicy".equals(r.get("kind")))
                .forEach(r -> policies.put((String) ((Map<String, Object>) r.get("metadata")).get("name"), (Map<String, Object>) r.get("spec")));
        assertThat(policies.get("default-deny")).as("every pod, both ways")
                .containsEntry("podSelector", Map.of()).containsEntry("policyTypes", List.of("Ingress", "Egress"));
        assertThat(String.valueOf(policies.get("ingest-public-port-from-the-ingress"))).contains("port=8080").doesNotContain("8090");
    }

    /** Every document of every resource file deploy/k8s/kustomization.yaml lists. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> kubernetesResources() throws IOException {
        Path dir = ROOT.resolve("deploy/k8s");
        Map<String, Object> kustomization = new Yaml().load(Files.readString(dir.resolve("kustomization.yaml")));
        List<Map<String, Object>> resources = new ArrayList<>();
        for (String file : (List<String>) kustomization.get("resources")) {
            for (Object document : new Yaml().loadAll(Files.readString(dir.resolve(file)))) {
                resources.add((Map<String, Object>) document);
            }
        }
        return resources;
    }

    private Map<String, String> environment(String service) {
        return compose.environment(service);
    }

    private List<String> ports(String service) {
        return compose.ports(service);
    }

    /** Every name in our production code that looks like an environment variable, and those the logging config reads. */
    private static Set<String> variablesInSources() throws IOException {
        Set<String> names = new HashSet<>();
        Pattern literal = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"|\\$\\{([A-Z][A-Z0-9_]+)");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().contains("/src/main/")
                    && (f.toString().endsWith(".java") || f.toString().endsWith("logback.xml"))).toList()) {
                Matcher m = literal.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        return names;
    }
}
