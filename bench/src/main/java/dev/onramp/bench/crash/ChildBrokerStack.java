package dev.onramp.bench.crash;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.onramp.devstack.LocalSchemaRegistry;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.runtime.Env;
import dev.onramp.schemas.Topics;

/**
 * Kafka in child JVMs, one node or a three-node cluster, while the registry and ingest, processor and notifier run
 * in this JVM and must find their way back by themselves. A kill takes away the single node, or in a cluster the
 * node leading partition 0 of {@code onramp.session-events.v1}; {@link #start} brings it back on the same log
 * directory and ports.
 */
final class ChildBrokerStack implements CrashableStack {
    private final Path dataDir;
    private final Map<String, String> env;
    private final ChildKafkaCluster kafka;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Deque<AutoCloseable> services = new ArrayDeque<>();
    private final Set<Integer> killed = new TreeSet<>();
    private boolean started;
    private LocalSchemaRegistry registry;

    ChildBrokerStack(Path dataDir, Map<String, String> env, int nodes) {
        this.dataDir = dataDir;
        this.env = new HashMap<>(env);
        this.kafka = new ChildKafkaCluster(dataDir, nodes);
    }

    @Override
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        long began = System.nanoTime();
        if (!started) {
            kafka.startAll(timeout);
            started = true;
        } else {
            kafka.start(List.copyOf(killed), timeout);
            killed.clear();
        }
        if (services.isEmpty()) {
            registry = LocalSchemaRegistry.startEphemeral();
            services.push(registry);
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
            env.put("SCHEMA_REGISTRY_URL", registry.url());
            env.put("ONRAMP_TOPIC_REPLICATION", String.valueOf(Math.min(3, kafka.nodes())));
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

    @Override
    public void kill() throws InterruptedException {
        int victim = kafka.nodes() == 1 ? 1 : kafka.leaderOf(Topics.SESSION_EVENTS.name(), 0);
        kafka.kill(victim);
        killed.add(victim);
    }

    @Override
    public void close() throws Exception {
        while (!services.isEmpty()) {
            services.pop().close();
        }
        kafka.close();
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
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
