package dev.onramp.bench.crash;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.LocalSchemaRegistry;
import dev.onramp.devstack.StandaloneBroker;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.runtime.Env;
import dev.onramp.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Kafka in child JVMs, one node or a three-node cluster, while the registry and ingest, processor and notifier run
 * in this JVM and must find their way back by themselves. A kill takes away the single node, or in a cluster the
 * node leading partition 0 of {@code onramp.session-events.v1}; {@link #start} brings it back on the same log
 * directory and ports.
 */
final class ChildBrokerStack implements CrashableStack {
    private final Path dataDir;
    private final Map<String, String> env;
    private final int nodes;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final String clusterId = Uuid.randomUuid().toString();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Deque<AutoCloseable> services = new ArrayDeque<>();
    private final Map<Integer, Process> running = new TreeMap<>();
    private final Set<Integer> killed = new TreeSet<>();
    private LocalSchemaRegistry registry;

    ChildBrokerStack(Path dataDir, Map<String, String> env, int nodes) {
        this.dataDir = dataDir;
        this.env = new HashMap<>(env);
        this.nodes = nodes;
        this.brokerPorts = new int[nodes];
        this.controllerPorts = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            brokerPorts[i] = FreePorts.pick();
            controllerPorts[i] = FreePorts.pick();
        }
    }

    @Override
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        long began = System.nanoTime();
        if (running.isEmpty()) {
            startNodes(IntStream.rangeClosed(1, nodes).boxed().toList(), timeout);
        } else {
            startNodes(List.copyOf(killed), timeout);
            killed.clear();
        }
        if (services.isEmpty()) {
            registry = LocalSchemaRegistry.startEphemeral();
            services.push(registry);
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
            env.put("SCHEMA_REGISTRY_URL", registry.url());
            env.put("ONRAMP_TOPIC_REPLICATION", String.valueOf(Math.min(3, nodes)));
            env.put("INGEST_HOST", "127.0.0.1");
            env.put("PROCESSOR_HOST", "127.0.0.1");
            env.put("NOTIFIER_HOST", "127.0.0.1");
            env.put("PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + env.get("PROCESSOR_PORT"));
            env.put("PROCESSOR_STATE_DIR", dataDir.resolve("processor-state").toString());
            env.put("NOTIFIER_STATE_DIR", dataDir.resolve("notifier-state").toString());
            env.put("INGEST_TRANSACTIONAL_ID", "onramp-ingest-crash");
            Env config = new Env(env);
            services.push(IngestService.start(IngestConfig.fromEnv(config)));
            services.push(ProcessorService.start(ProcessorConfig.fromEnv(config)));
            services.push(NotifierService.start(NotifierConfig.fromEnv(config)));
        }
        CrashableStack.awaitServicesReady(http, env, began + timeout.toNanos(), () -> { },
                "services not ready within " + timeout + " after Kafka came back");
        return Duration.ofNanos(System.nanoTime() - began);
    }

    /** Starts the nodes together (a quorum needs a majority before any of them is ready) and waits for each. */
    private void startNodes(List<Integer> ids, Duration timeout) throws IOException, InterruptedException {
        String voters = IntStream.rangeClosed(1, nodes).mapToObj(id -> id + "@127.0.0.1:" + controllerPorts[id - 1])
                .collect(Collectors.joining(","));
        Map<Integer, Path> logs = new TreeMap<>();
        for (int id : ids) {
            Path log = Files.createTempFile("onramp-broker-" + id + "-", ".log");
            logs.put(id, log);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    StandaloneBroker.class.getName(), dataDir.resolve("kafka-" + id).toString(),
                    String.valueOf(brokerPorts[id - 1])));
            if (nodes > 1) {
                command.addAll(List.of(String.valueOf(controllerPorts[id - 1]), String.valueOf(id), voters, clusterId));
            }
            running.put(id, new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (var entry : logs.entrySet()) {
            int id = entry.getKey();
            while (!Files.readString(entry.getValue(), StandardCharsets.UTF_8).contains("READY 127.0.0.1:" + brokerPorts[id - 1])) {
                if (!running.get(id).isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka node " + id + " not ready; log: " + entry.getValue());
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void kill() throws InterruptedException {
        int victim = nodes == 1 ? 1 : leaderOfFirstEventsPartition();
        Process node = running.get(victim);
        node.destroyForcibly();
        node.waitFor(30, TimeUnit.SECONDS);
        killed.add(victim);
    }

    /** The node that leads partition 0 of the events topic: the one whose loss moves that leadership. */
    private int leaderOfFirstEventsPartition() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            return admin.describeTopics(List.of(Topics.SESSION_EVENTS.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.SESSION_EVENTS.name()).partitions().get(0).leader().id();
        } catch (Exception e) {
            throw new IllegalStateException("cannot find the leader of " + Topics.SESSION_EVENTS.name() + "-0", e);
        }
    }

    @Override
    public void close() throws Exception {
        while (!services.isEmpty()) {
            services.pop().close();
        }
        running.values().forEach(Process::destroy);
        for (Process node : running.values()) {
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }

    @Override
    public String bootstrapServers() {
        return IntStream.of(brokerPorts).mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    @Override
    public String registryUrl() {
        return registry.url();
    }

    @Override
    public String ingestUrl() {
        return "http://127.0.0.1:" + env.get("INGEST_PORT");
    }
}
