package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.LocalKafkaBroker;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.testkit.DevStackExtension;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml's Kafka security, run: the secrets made by {@code deploy/make-secrets.sh}, three KRaft nodes with
 * exactly the file's broker settings (its {@code KAFKA_*}, as the apache/kafka image turns them into
 * {@code server.properties}; host names and ports mapped to this machine's), the deploy step ({@code kafka-access}) with
 * the file's settings, then ingest with the file's. No Docker engine: the processes are in this JVM, the settings are
 * the file's.
 */
@Tag("slow")
class ComposeClusterIntegrationTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern HOST_PORT = Pattern.compile("(kafka-\\d):(\\d+)");

    @TempDir
    Path dir;
    private final Map<String, String> ports = new HashMap<>();
    private ComposeFile compose;

    @Test
    void theComposeFilesBrokersDeployStepAndServicesWorkTogether() throws Exception {
        Process secrets = new ProcessBuilder("bash", ROOT.resolve("deploy/make-secrets.sh").toString(), dir.resolve("secrets").toString())
                .redirectErrorStream(true).start();
        String made = new String(secrets.getInputStream().readAllBytes());
        assertThat(secrets.waitFor(60, TimeUnit.SECONDS) && secrets.exitValue() == 0).as(made).isTrue();
        Map<String, String> dotEnv = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve(".env"))) {
            dotEnv.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        dotEnv.putAll(Map.of("PLATFORM_API_KEY", "compose-cluster-platform-0123456789", "STRIPE_WEBHOOK_SECRETS",
                "whsec_compose_cluster_0123456789", "ADMIN_API_KEY", "compose-cluster-admin-abcdef0123",
                "STRIPE_API_KEY", "rk_test_compose_cluster", "UNSUBSCRIBE_BASE_URL", "https://onramp.example.com"));
        compose = ComposeFile.read(ROOT.resolve("docker-compose.yml"), dotEnv);
        // The script's signing keys are ones the services take (the VAPID pair is parsed as Web Push needs it).
        Map<String, String> notifier = localEnv("notifier");
        assertThat(VapidKeys.of(notifier.get("VAPID_PUBLIC_KEY"), notifier.get("VAPID_PRIVATE_KEY"), "mailto:ops@example.com")).isNotNull();
        assertThat(NotifierConfig.fromEnv(new Env(notifier)).unsubscribe()).isPresent();

        List<CompletableFuture<LocalKafkaBroker>> starting = new ArrayList<>();
        Map<String, Object> admin = new HashMap<>(KafkaConnection.fromEnv(localEnv("kafka-access")).clientSettings());
        for (int node = 1; node <= 3; node++) {
            String host = "kafka-" + node;
            Map<String, String> settings = new HashMap<>();
            localEnv(host).forEach((name, value) -> {
                if (name.startsWith("KAFKA_")) {
                    settings.put(propertyName(name.substring("KAFKA_".length())), value);
                }
            });
            // "CLIENT://:9092" binds every interface of a container; here, this node's own ports on the loopback.
            settings.put("listeners", bindLocally(settings.get("listeners"), host));
            int brokerPort = Integer.parseInt(port(host, "9094"));
            int controllerPort = Integer.parseInt(port(host, "9093"));
            Path logDir = dir.resolve(host);
            LocalKafkaBroker.Quorum quorum = new LocalKafkaBroker.Quorum(node, settings.get("controller.quorum.voters"),
                    compose.environment(host).get("CLUSTER_ID"), 3);
            starting.add(CompletableFuture.supplyAsync(() -> LocalKafkaBroker.startSecuredClusterNode(logDir, brokerPort, controllerPort,
                    quorum, settings, admin, List.of())));
        }
        List<LocalKafkaBroker> nodes = starting.stream().map(CompletableFuture::join).toList();
        try {
            Env deployStep = new Env(localEnv("kafka-access"));
            try (Admin kafkaAdmin = Admin.create(KafkaConnection.fromEnv(deployStep.values()).clientConfig())) {
                AclSpec acls = AclSpec.read(ROOT.resolve("deploy/kafka/acls.json"));
                assertThat(AclsCommand.setPasswords(kafkaAdmin, acls, deployStep)).hasSize(acls.principals().size());
                AclsCommand.apply(kafkaAdmin, acls);
            }
            Map<String, String> contracts = localEnv("contracts");
            withPlainRegistry(contracts);
            ContractsCommand.apply(KafkaConnection.fromEnv(contracts));

            Map<String, String> ingestEnv = localEnv("ingest");
            withPlainRegistry(ingestEnv);
            ingestEnv.putAll(Map.of("INGEST_HOST", "127.0.0.1", "INGEST_PORT", "0", "INGEST_ADMIN_PORT", "0"));
            try (IngestService ingest = IngestService.start(IngestConfig.fromEnv(new Env(ingestEnv)))) {
                String body = OnrampEvents.sessionUpdated("evt_compose_cluster", "cos_ComposeCluster000001", "requires_payment",
                        Instant.now().getEpochSecond());
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + ingest.port() + "/webhooks/stripe"))
                        .header("Stripe-Signature", WebhookSigner.header(dotEnv.get("STRIPE_WEBHOOK_SECRETS"), Instant.now().getEpochSecond(), body))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            }
            Map<String, String> wrong = new HashMap<>(ingestEnv);
            wrong.put("KAFKA_CLIENT_SASL_JAAS_CONFIG", wrong.get("KAFKA_CLIENT_SASL_JAAS_CONFIG")
                    .replace(dotEnv.get("KAFKA_PASSWORD_INGEST"), "not-the-password"));
            assertThatThrownBy(() -> IngestService.start(IngestConfig.fromEnv(new Env(wrong)))).as("a wrong password starts nothing");
        } finally {
            nodes.parallelStream().forEach(LocalKafkaBroker::close);
        }
    }

    /** The apache/kafka image's rule: {@code _} is {@code .}, {@code __} is {@code _}, {@code ___} is {@code -}. */
    private static String propertyName(String variable) {
        return variable.toLowerCase(Locale.ROOT).replace("___", "\u0001").replace("__", "\u0002").replace('_', '.')
                .replace('\u0001', '-').replace('\u0002', '_');
    }

    private static void withPlainRegistry(Map<String, String> env) {
        env.put("SCHEMA_REGISTRY_URL", DevStackExtension.registry().url());
        env.remove("SCHEMA_REGISTRY_USER_INFO");
        env.remove("SCHEMA_REGISTRY_TRUSTSTORE");
    }

    /** The service's environment in the file, with host names, ports and secrets this machine's. */
    private Map<String, String> localEnv(String service) {
        Map<String, String> local = new HashMap<>();
        compose.environment(service).forEach((name, value) -> local.put(name, local(value)));
        return local;
    }

    /** {@code kafka-2:9094} as this machine's port for it, {@code /run/secrets/x} the file the secret x is made from. */
    private String local(String value) {
        Matcher m = HOST_PORT.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("127.0.0.1:" + port(m.group(1), m.group(2))));
        }
        m.appendTail(out);
        String local = out.toString();
        for (var secret : compose.secretFiles().entrySet()) {
            local = local.replace("/run/secrets/" + secret.getKey(), dir.resolve("secrets")
                    .resolve(Path.of(secret.getValue()).getFileName()).toString());
        }
        return local;
    }

    private String bindLocally(String listeners, String host) {
        Matcher m = Pattern.compile("://:(\\d+)").matcher(listeners);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("://127.0.0.1:" + port(host, m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String port(String host, String port) {
        return ports.computeIfAbsent(host + ":" + port, key -> String.valueOf(FreePorts.pick()));
    }
}
