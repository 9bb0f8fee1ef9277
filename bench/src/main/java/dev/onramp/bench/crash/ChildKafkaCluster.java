package dev.onramp.bench.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.StandaloneBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Kafka nodes in child JVMs ({@link StandaloneBroker}): one node, or a KRaft cluster whose every node is broker and
 * controller. A node is SIGKILLed and started again on the same log directory and ports, as a machine comes back.
 */
final class ChildKafkaCluster implements AutoCloseable {
    private final Path dataDir;
    private final int nodes;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<Integer, Process> running = new TreeMap<>();
    private final List<String> jvmOptions;

    ChildKafkaCluster(Path dataDir, int nodes) {
        this(dataDir, nodes, List.of());
    }

    /** {@code jvmOptions}: added to each node's command line. */
    ChildKafkaCluster(Path dataDir, int nodes, List<String> jvmOptions) {
        this.dataDir = dataDir;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.nodes = nodes;
        this.brokerPorts = new int[nodes];
        this.controllerPorts = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            brokerPorts[i] = FreePorts.pick();
            controllerPorts[i] = FreePorts.pick();
        }
    }

    int nodes() {
        return nodes;
    }

    void startAll(Duration timeout) throws IOException, InterruptedException {
        start(IntStream.rangeClosed(1, nodes).boxed().toList(), timeout);
    }

    /** Starts the nodes together (a quorum needs a majority before any of them is ready) and waits for each. */
    void start(Collection<Integer> ids, Duration timeout) throws IOException, InterruptedException {
        String voters = IntStream.rangeClosed(1, nodes).mapToObj(id -> id + "@127.0.0.1:" + controllerPorts[id - 1])
                .collect(Collectors.joining(","));
        Map<Integer, Path> logs = new TreeMap<>();
        for (int id : ids) {
            Path log = Files.createTempFile("onramp-broker-" + id + "-", ".log");
            logs.put(id, log);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:+UseSerialGC"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", ChildClassPath.get(), StandaloneBroker.class.getName(), dataDir.resolve("kafka-" + id).toString(),
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

    /** SIGKILL of one node; nothing it had not written to its log survives. */
    void kill(int id) throws InterruptedException {
        Process node = running.get(id);
        node.destroyForcibly();
        node.waitFor(30, TimeUnit.SECONDS);
    }

    /** The node that leads a partition: the one whose loss moves that leadership. */
    int leaderOf(String topic, int partition) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().get(partition).leader().id();
        } catch (Exception e) {
            throw new IllegalStateException("cannot find the leader of " + topic + "-" + partition, e);
        }
    }

    /** CPU time the running nodes have used since they started. */
    Duration cpu() {
        return running.values().stream().filter(Process::isAlive)
                .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO)).reduce(Duration.ZERO, Duration::plus);
    }

    String bootstrapServers() {
        return IntStream.of(brokerPorts).mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** A clean stop of every node (SIGTERM), SIGKILL for any that does not stop within a minute. */
    @Override
    public void close() throws InterruptedException {
        running.values().forEach(Process::destroy);
        for (Process node : running.values()) {
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }
}
