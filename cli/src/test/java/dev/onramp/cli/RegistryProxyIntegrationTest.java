package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import dev.onramp.schemas.serde.SchemaRegistryException;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.tls.Nginx;
import dev.onramp.testkit.tls.TestCertificate;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry as production runs it: behind the shipped nginx server block (TLS, basic auth, writes for the admin
 * only), in front of a real Apicurio. The deploy step registers the contracts with the admin user; a service with a
 * read-only user and {@code ONRAMP_CONTRACTS=verify} starts only once they are there, and then writes events whose
 * schemas it only looked up.
 */
class RegistryProxyIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    private static final String ADMIN = "onramp-admin:admin-password-0123";
    private static final String INGEST = "ingest:ingest-password-0123";
    private static final String WEBHOOK_SECRET = "whsec_registry_proxy_test_0123456789";

    @TempDir
    Path dir;

    @Test
    void onlyTheAdminChangesTheContractsAndAServiceStartsOnlyOnceTheyAreThisBuilds() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir);
        Files.writeString(dir.resolve("htpasswd"), Nginx.htpasswdLine("onramp-admin", "admin-password-0123") + "\n"
                + Nginx.htpasswdLine("ingest", "ingest-password-0123") + "\n");
        int port = FreePorts.pick();
        URI registry = URI.create(STACK.registryUrl());
        try (Nginx proxy = Nginx.start(Path.of("../deploy/registry/registry-proxy.conf.template"), Map.of(
                "REGISTRY_PROXY_PORT", String.valueOf(port),
                "REGISTRY_UPSTREAM", registry.getScheme() + "://" + registry.getAuthority(),
                "REGISTRY_TLS_CERT", certificate.certificatePem().toString(),
                "REGISTRY_TLS_KEY", certificate.privateKeyPem().toString(),
                "REGISTRY_HTPASSWD", dir.resolve("htpasswd").toString()), port, dir)) {
            Map<String, String> base = new HashMap<>(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", STACK.bootstrapServers(),
                    "SCHEMA_REGISTRY_URL", "https://127.0.0.1:" + port + registry.getPath(),
                    "SCHEMA_REGISTRY_TRUSTSTORE", certificate.truststore().toString(),
                    "SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD", certificate.truststorePassword(),
                    "ONRAMP_CONTRACTS", "verify"));
            KafkaConnection anonymous = KafkaConnection.fromEnv(base);
            KafkaConnection ingest = connection(base, INGEST);
            KafkaConnection admin = connection(base, ADMIN);
            String subject = Topics.SESSION_EVENTS.valueSubject();

            assertThatThrownBy(() -> anonymous.registryClient().compatibility(subject)).isInstanceOf(SchemaRegistryException.class)
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(401));
            assertThatThrownBy(() -> verify(ingest)).hasMessageContaining("topic " + Topics.SESSION_EVENTS.name() + " does not exist")
                    .hasMessageContaining("onramp contracts apply");
            SchemaRegistryClient ingestRegistering = new SchemaRegistryClient(ingest.registry().registering());
            for (ThrowingCallable change : List.<ThrowingCallable>of(
                    () -> ingestRegistering.setCompatibility(subject, "NONE"),
                    () -> ingestRegistering.register(subject, Topics.SESSION_EVENTS.valueSchema()))) {
                assertThatThrownBy(change).as("a service's user may not change a contract").isInstanceOf(SchemaRegistryException.class)
                        .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(403));
            }

            Schema internal = Topics.RECIPIENTS.valueSchema();
            assertThat(ingestRegistering.register("onramp-ingest-store-changelog-value", internal))
                    .as("an app registers the subjects of its own internal topics").isPositive();
            assertThatThrownBy(() -> ingestRegistering.register("onramp-processor-store-changelog-value", internal))
                    .as("not another app's").isInstanceOf(SchemaRegistryException.class)
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(403));

            // The registry may hold the contracts already (other test classes share it); this broker's topics are new.
            List<String> changes = ContractsCommand.apply(admin);
            assertThat(changes).anyMatch(change -> change.startsWith("created topic " + Topics.SESSION_EVENTS.name()));
            assertThat(ContractsCommand.apply(admin)).as("applied twice, nothing changes").isEmpty();
            verify(ingest);

            Map<String, String> service = new HashMap<>(base);
            service.putAll(Map.of("SCHEMA_REGISTRY_USER_INFO", INGEST, "STRIPE_WEBHOOK_SECRETS", WEBHOOK_SECRET,
                    "PLATFORM_API_KEY", "registry-proxy-platform-key-0123", "INGEST_HOST", "127.0.0.1", "INGEST_PORT", "0",
                    "INGEST_ADMIN_PORT", "0", "INGEST_TRANSACTIONAL_ID", "registry-proxy-ingest"));
            try (IngestService running = IngestService.start(IngestConfig.fromEnv(new Env(service)))) {
                String body = OnrampEvents.sessionUpdated("evt_through_the_proxy", "cos_ThroughTheProxy00001", "requires_payment",
                        Instant.now().getEpochSecond());
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + running.port() + "/webhooks/stripe"))
                        .header("Stripe-Signature", WebhookSigner.header(WEBHOOK_SECRET, Instant.now().getEpochSecond(), body))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> TopicReader.readAll(STACK.bootstrapServers(),
                    Topics.SESSION_EVENTS.name(), new StringDeserializer(),
                    new RegistryAvroDeserializer<>(OnrampSessionEvent.class, ingest.registryClient())).size() == 1);
        }
    }

    private static KafkaConnection connection(Map<String, String> base, String userInfo) {
        Map<String, String> env = new HashMap<>(base);
        env.put("SCHEMA_REGISTRY_USER_INFO", userInfo);
        return KafkaConnection.fromEnv(env);
    }

    private static void verify(KafkaConnection connection) {
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.verify(admin, connection.registryClient());
        }
    }
}
