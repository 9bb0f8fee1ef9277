package dev.onramp.bench.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.onramp.bench.crash.ServiceInstance.Service;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.LocalSchemaRegistry;

/**
 * The pipeline as a cluster runs it: a KRaft cluster (replication 3, min ISR 2) with each node in a JVM of its own,
 * and several instances of each service, each a JVM of its own with its own ports, state directory and instance id
 * (static group membership, as the StatefulSets' pod names give), one standby replica per Streams task. The
 * registry runs in this JVM. Every instance is started at the same moment, as a deployment starts its replicas.
 */
final class InstanceFleet implements AutoCloseable {
    private final ChildKafkaCluster kafka;
    private final LocalSchemaRegistry registry;
    private final Map<Service, List<ServiceInstance>> instances = new EnumMap<>(Service.class);

    private InstanceFleet(ChildKafkaCluster kafka, LocalSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /**
     * Starts the cluster, the registry and then every instance at once, and waits until all answer ready.
     * {@code jvmOptions}: added to every child JVM's command line. {@code env}: what every instance shares (secrets,
     * SMTP, channels); Kafka, registry and identities are added here.
     */
    static InstanceFleet start(Path dataDir, ScaleOutRun.Size size, List<String> jvmOptions, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ChildKafkaCluster kafka = new ChildKafkaCluster(dataDir, size.brokers(), jvmOptions);
        kafka.startAll(timeout);
        InstanceFleet fleet = new InstanceFleet(kafka, LocalSchemaRegistry.startEphemeral());
        Map<String, String> shared = new HashMap<>(env);
        shared.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        shared.put("SCHEMA_REGISTRY_URL", fleet.registry.url());
        shared.put("ONRAMP_TOPIC_REPLICATION", String.valueOf(Math.min(3, size.brokers())));
        shared.put("KAFKA_CLIENT_NUM_STANDBY_REPLICAS", "1");
        shared.put("INGEST_HOST", "127.0.0.1");
        shared.put("PROCESSOR_HOST", "127.0.0.1");
        shared.put("NOTIFIER_HOST", "127.0.0.1");
        for (Service service : Service.values()) {
            List<ServiceInstance> list = new ArrayList<>();
            for (int i = 1; i <= size.of(service); i++) {
                list.add(new ServiceInstance(service, i, instanceEnv(dataDir, service, i, shared), jvmOptions,
                        Files.createTempFile("onramp-" + service.command() + "-" + i + "-", ".log")));
            }
            fleet.instances.put(service, List.copyOf(list));
        }
        for (ServiceInstance instance : fleet.all()) {
            instance.launch();
        }
        for (ServiceInstance instance : fleet.all()) {
            instance.awaitReady(deadline);
        }
        return fleet;
    }

    private static Map<String, String> instanceEnv(Path dataDir, Service service, int ordinal, Map<String, String> shared)
            throws IOException {
        Map<String, String> env = new HashMap<>(shared);
        String name = service.command() + "-" + ordinal;
        switch (service) {
            case INGEST -> {
                env.put("INGEST_PORT", String.valueOf(FreePorts.pick()));
                env.put("INGEST_ADMIN_PORT", String.valueOf(FreePorts.pick()));
                env.put("INGEST_TRANSACTIONAL_ID", "onramp-" + name);
            }
            case PROCESSOR -> {
                int port = FreePorts.pick();
                env.put("PROCESSOR_PORT", String.valueOf(port));
                env.put("PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + port);
                env.put("PROCESSOR_INSTANCE_ID", name);
                env.put("PROCESSOR_STATE_DIR", Files.createDirectories(dataDir.resolve(name)).toString());
            }
            case NOTIFIER -> {
                env.put("NOTIFIER_PORT", String.valueOf(FreePorts.pick()));
                env.put("NOTIFIER_INSTANCE_ID", name);
                env.put("NOTIFIER_STATE_DIR", Files.createDirectories(dataDir.resolve(name)).toString());
            }
            default -> throw new IllegalArgumentException(service.name());
        }
        return env;
    }

    List<ServiceInstance> of(Service service) {
        return instances.get(service);
    }

    List<ServiceInstance> all() {
        return instances.values().stream().flatMap(List::stream).toList();
    }

    List<String> ingestUrls() {
        return of(Service.INGEST).stream().map(i -> "http://127.0.0.1:" + i.env("INGEST_PORT")).toList();
    }

    /** CPU time of the pipeline's processes: every Kafka node and every instance (not this JVM's registry). */
    Duration cpu() {
        return all().stream().map(ServiceInstance::cpu).reduce(kafka.cpu(), Duration::plus);
    }

    ChildKafkaCluster kafka() {
        return kafka;
    }

    String registryUrl() {
        return registry.url();
    }

    /** Every instance stopped with SIGTERM (in parallel), then the registry and the cluster. */
    @Override
    public void close() throws Exception {
        List<Thread> stopping = new ArrayList<>();
        for (ServiceInstance instance : all()) {
            Thread stop = new Thread(() -> {
                try {
                    instance.stop(Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-" + instance.name());
            stop.start();
            stopping.add(stop);
        }
        for (Thread t : stopping) {
            t.join();
        }
        registry.close();
        kafka.close();
    }
}
