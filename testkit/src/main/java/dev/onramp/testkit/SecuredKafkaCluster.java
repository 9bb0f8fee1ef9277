package dev.onramp.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.LocalKafkaBroker;
import dev.onramp.testkit.tls.TestCertificate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;

/**
 * Three KRaft nodes (brokers and controllers) as production runs them: clients and brokers speak SASL_SSL with
 * SCRAM-SHA-512, controllers mutual TLS, and Kafka's own authorizer allows nothing an ACL does not. The certificate is
 * made in the test with the JDK's keytool ({@link TestCertificate#jdkKeystore}); the brokers' user and {@code admin}
 * exist from the format, every other user is added through the Admin API ({@link #addUser}), as an operator would.
 */
public final class SecuredKafkaCluster implements AutoCloseable {
    public static final String ADMIN = "admin";
    private static final String BROKER = "broker";

    private final List<LocalKafkaBroker> nodes;
    private final TestCertificate.JdkKeystore certificate;
    private final String adminPassword;

    private SecuredKafkaCluster(List<LocalKafkaBroker> nodes, TestCertificate.JdkKeystore certificate, String adminPassword) {
        this.nodes = nodes;
        this.certificate = certificate;
        this.adminPassword = adminPassword;
    }

    public static SecuredKafkaCluster start() {
        try {
            Path dir = Files.createTempDirectory("onramp-secured-kafka-");
            TestCertificate.JdkKeystore certificate = TestCertificate.jdkKeystore(dir, "kafka-node");
            String brokerPassword = UUID.randomUUID().toString();
            String adminPassword = UUID.randomUUID().toString();
            int[] brokerPorts = IntStream.range(0, 3).map(i -> FreePorts.pick()).toArray();
            int[] controllerPorts = IntStream.range(0, 3).map(i -> FreePorts.pick()).toArray();
            String voters = IntStream.range(0, 3).mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i]).collect(Collectors.joining(","));
            String clusterId = Uuid.randomUuid().toString();
            Map<String, Object> adminClient = clientSettings(certificate, ADMIN, adminPassword);
            List<String> scram = List.of(scramArgument(BROKER, brokerPassword), scramArgument(ADMIN, adminPassword));
            List<CompletableFuture<LocalKafkaBroker>> starting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int node = i;
                Map<String, String> settings = nodeSettings(brokerPorts[node], controllerPorts[node], certificate, brokerPassword);
                // Together: a node is registered only once a majority of the quorum is up.
                starting.add(CompletableFuture.supplyAsync(() -> LocalKafkaBroker.startSecuredClusterNode(dir.resolve("node-" + (node + 1)),
                        brokerPorts[node], controllerPorts[node], new LocalKafkaBroker.Quorum(node + 1, voters, clusterId, 3), settings,
                        adminClient, scram)));
            }
            return new SecuredKafkaCluster(starting.stream().map(CompletableFuture::join).toList(), certificate, adminPassword);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> nodeSettings(int brokerPort, int controllerPort, TestCertificate.JdkKeystore certificate,
                                                    String brokerPassword) {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "SASL_SSL://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + brokerPort);
        settings.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
        settings.put("inter.broker.listener.name", "SASL_SSL");
        settings.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        settings.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        settings.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(BROKER, brokerPassword));
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.keystore.location", certificate.keystore().toString());
        settings.put("ssl.keystore.password", certificate.password());
        settings.put("ssl.key.password", certificate.password());
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.truststore.location", certificate.truststore().toString());
        settings.put("ssl.truststore.password", certificate.password());
        // Controllers and the brokers talking to them prove themselves by certificate: CN=kafka-node is User:kafka-node.
        settings.put("listener.name.controller.ssl.client.auth", "required");
        settings.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+).*$/$1/,DEFAULT");
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        settings.put("allow.everyone.if.no.acl.found", "false");
        settings.put("super.users", "User:" + BROKER + ";User:kafka-node;User:" + ADMIN);
        return settings;
    }

    /** The client settings of a user: what a service gets as {@code KAFKA_CLIENT_*}. */
    public Map<String, Object> clientSettings(String user, String password) {
        return clientSettings(certificate, user, password);
    }

    private static Map<String, Object> clientSettings(TestCertificate.JdkKeystore certificate, String user, String password) {
        return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas(user, password),
                "ssl.truststore.type", "PKCS12", "ssl.truststore.location", certificate.truststore().toString(),
                "ssl.truststore.password", certificate.password());
    }

    /** The same as environment variables, {@code KAFKA_CLIENT_SECURITY_PROTOCOL=SASL_SSL} and so on. */
    public Map<String, String> clientEnvironment(String user, String password) {
        Map<String, String> env = new HashMap<>();
        clientSettings(user, password).forEach((name, value) ->
                env.put("KAFKA_CLIENT_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), String.valueOf(value)));
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
        return env;
    }

    public Map<String, Object> adminSettings() {
        Map<String, Object> settings = new HashMap<>(clientSettings(ADMIN, adminPassword));
        settings.put("bootstrap.servers", bootstrapServers());
        return settings;
    }

    /** Adds (or changes the password of) a SCRAM user, as an operator does with the Admin API. */
    public void addUser(String user, String password) {
        try (Admin admin = Admin.create(adminSettings())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not set the password of " + user, e.getCause());
        }
    }

    public String bootstrapServers() {
        return nodes.stream().map(LocalKafkaBroker::bootstrapServers).collect(Collectors.joining(","));
    }

    private static String scramArgument(String user, String password) {
        return "SCRAM-SHA-512=[name=" + user + ",password=" + password + "]";
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    @Override
    public void close() {
        nodes.parallelStream().forEach(LocalKafkaBroker::close);
    }
}
