package dev.onramp.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (broker and controller in one) run from the broker's own classes.
 *
 * <p>It is a real broker: same log format, same transactions, same group coordinator as production, started from
 * Maven Central's jars so that the tests and {@code onramp dev} need no container engine.
 *
 * <p>A broker can be stopped and started again on the same ports and log directory, which is how the tests take
 * Kafka away from a running service and give it back, and how {@code onramp dev} keeps every event across restarts.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKafkaBroker.class);
    private static final int SINGLE_NODE_ID = 1;

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final Quorum quorum;
    private final Map<String, String> extraSettings;
    private final Map<String, Object> clientSettings;
    private final List<String> scramArguments;
    private KafkaRaftServer server;

    /**
     * Which node this is of which KRaft quorum: one node alone, or one of a static quorum of voters
     * ({@code 1@127.0.0.1:9093,2@...}), all of which also are brokers, sharing one cluster id.
     */
    public record Quorum(int nodeId, String voters, String clusterId, int size) {
        static Quorum single(int controllerPort) {
            return new Quorum(SINGLE_NODE_ID, SINGLE_NODE_ID + "@127.0.0.1:" + controllerPort, null, 1);
        }
    }

    private LocalKafkaBroker(Path logDir, int brokerPort, int controllerPort, Quorum quorum) {
        this(logDir, brokerPort, controllerPort, quorum, Map.of());
    }

    private LocalKafkaBroker(Path logDir, int brokerPort, int controllerPort, Quorum quorum, Map<String, String> extraSettings) {
        this(logDir, brokerPort, controllerPort, quorum, extraSettings, Map.of(), List.of());
    }

    private LocalKafkaBroker(Path logDir, int brokerPort, int controllerPort, Quorum quorum, Map<String, String> extraSettings,
                             Map<String, Object> clientSettings, List<String> scramArguments) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.quorum = quorum;
        this.extraSettings = Map.copyOf(extraSettings);
        this.clientSettings = Map.copyOf(clientSettings);
        this.scramArguments = List.copyOf(scramArguments);
    }

    /** A broker on free ports with a fresh temporary log directory: what a test class wants. */
    public static LocalKafkaBroker startEphemeral() {
        return startEphemeral(Map.of());
    }

    /** The same, with broker settings of the caller's on top of ours (an authorizer, say). */
    public static LocalKafkaBroker startEphemeral(Map<String, String> settings) {
        try {
            Path dir = Files.createTempDirectory("onramp-kafka-");
            int controllerPort = FreePorts.pick();
            LocalKafkaBroker broker = new LocalKafkaBroker(dir, FreePorts.pick(), controllerPort, Quorum.single(controllerPort), settings);
            broker.start();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A broker that keeps its log in {@code logDir} across runs (formatted on first use only). The broker takes
     * {@code preferredPort} when it is free, any free port otherwise: other Kafka processes may run here.
     */
    public static LocalKafkaBroker startPersistent(Path logDir, int preferredPort) {
        int controllerPort = FreePorts.preferred(preferredPort + 1);
        LocalKafkaBroker broker = new LocalKafkaBroker(
                logDir, FreePorts.preferred(preferredPort), controllerPort, Quorum.single(controllerPort));
        broker.start();
        return broker;
    }

    /**
     * One node (broker and controller) of a multi-node cluster, on fixed ports; every internal topic is replicated
     * to all nodes with a minimum ISR of 2, as in production. Returns once this node is registered and unfenced.
     */
    public static LocalKafkaBroker startClusterNode(Path logDir, int brokerPort, int controllerPort, Quorum quorum) {
        LocalKafkaBroker broker = new LocalKafkaBroker(logDir, brokerPort, controllerPort, quorum);
        broker.start();
        return broker;
    }

    /**
     * One node of a multi-node cluster whose listeners the caller sets ({@code settings}: SASL_SSL, an authorizer, ...),
     * formatted with these SCRAM credentials ({@code SCRAM-SHA-512=[name=...,password=...]}, as {@code kafka-storage
     * format --add-scram} takes them: the brokers' own user must exist before any broker can log in), and checked
     * with a client of {@code clientSettings} (the credentials to reach it).
     */
    public static LocalKafkaBroker startSecuredClusterNode(Path logDir, int brokerPort, int controllerPort, Quorum quorum,
                                                           Map<String, String> settings, Map<String, Object> clientSettings,
                                                           List<String> scramArguments) {
        LocalKafkaBroker broker = new LocalKafkaBroker(logDir, brokerPort, controllerPort, quorum, settings, clientSettings, scramArguments);
        broker.start();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** A client configuration that reaches this broker: its address, and the credentials it was started with. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Starts the broker and returns once a record has made a real round trip through it. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        long began = System.nanoTime();
        KafkaConfig config = KafkaConfig.fromProps(serverProperties(), false);
        formatIfNew();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        if (quorum.size() == 1) {
            awaitReady(Duration.ofSeconds(60));
            abortHangingTransactions();
        } else {
            awaitRegistered(Duration.ofSeconds(120));
        }
        log.info("Kafka broker ready at {} in {} ms (log dir {})",
                bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), logDir);
    }

    /** Stops the broker, keeping its log directory, so that {@link #start()} brings the same data back. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("Kafka broker at {} stopped", bootstrapServers());
    }

    @Override
    public void close() {
        stop();
    }

    /** Creates a topic unless it exists. Convenience for tests and tools; services use their own contracts. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(clientConfig())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * After an unclean stop a single node can come back with transactions that no coordinator will finish (see
     * {@link HangingTransactions}); they would wedge every read_committed consumer and consumer group behind them.
     */
    private void abortHangingTransactions() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            HangingTransactions.awaitCoordinatorsSettled(admin, Duration.ofSeconds(20));
            HangingTransactions.abortAll(admin, Duration.ofSeconds(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Properties serverProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(quorum.nodeId()));
        p.put("controller.quorum.voters", quorum.voters());
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // Internal topics replicated to every node (up to 3), with a minimum ISR of 2 wherever there are 2 replicas;
        // on one node they must accept a single replica, or groups and transactions hang.
        String replicas = String.valueOf(Math.min(3, quorum.size()));
        String minIsr = String.valueOf(Math.min(2, quorum.size()));
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("min.insync.replicas", minIsr);
        p.put("default.replication.factor", replicas);
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose, with their contract's settings; a typo must fail, not invent a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("controlled.shutdown.enable", "true");
        // A producer that died inside a transaction hides what follows it on those partitions from read_committed
        // readers until its transaction times out and the coordinator notices; Kafka looks every 10 s by default.
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        if (quorum.size() == 1) {
            // Restarted after a SIGKILL, the node leads at its old epoch until the controller fences the dead
            // incarnation, which it does when that one's session expires (9 s by default). That is the window in
            // which transaction markers get lost (HangingTransactions), and most of the restart time. Controller and
            // broker share one process here, so a short session can only expire when the broker is really gone.
            p.put("broker.session.timeout.ms", "1500");
            p.put("broker.heartbeat.interval.ms", "300");
        }
        p.putAll(extraSettings);
        return p;
    }

    private void formatIfNew() {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(quorum.clusterId() != null ? quorum.clusterId() : Uuid.randomUuid().toString())
                    .setNodeId(quorum.nodeId())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setScramArguments(scramArguments)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka log dir " + logDir, e);
        }
    }

    /** A cluster node is ready once the controllers list it among the live (unfenced) brokers. */
    private void awaitRegistered(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(clientConfig())) {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == quorum.nodeId())) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not up yet
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("Kafka node " + quorum.nodeId() + " not registered within " + timeout);
    }

    /** Readiness is a produce and a consume that both succeed, not an open port. */
    private void awaitReady(Duration timeout) {
        String topic = "__onramp_readiness";
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                createTopic(topic, 1, Map.of());
                String marker = UUID.randomUUID().toString();
                Properties pp = new Properties();
                pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
                pp.put(ProducerConfig.ACKS_CONFIG, "all");
                pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
                pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
                long offset;
                try (var producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                    offset = producer.send(new ProducerRecord<>(topic, marker)).get(15, TimeUnit.SECONDS).offset();
                }
                Properties cp = new Properties();
                cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
                try (var consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
                    TopicPartition tp = new TopicPartition(topic, 0);
                    consumer.assign(List.of(tp));
                    consumer.seek(tp, offset);
                    long pollUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (System.nanoTime() < pollUntil) {
                        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                        for (var r : records) {
                            if (marker.equals(r.value())) {
                                return;
                            }
                        }
                    }
                }
                last = new IllegalStateException("readiness record was not read back");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                last = new IllegalStateException("broker not ready yet", e);
            }
        }
        throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " not ready within " + timeout, last);
    }
}
