package dev.onramp.cli.simulate;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.platform.FreePorts;
import dev.onramp.platform.LocalSchemaRegistry;
import dev.onramp.platform.StandaloneBroker;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.runtime.Env;

/**
 * The broker alone in a child JVM, SIGKILLed and started again on the same log directory and port, while the
 * registry and ingest, processor and notifier keep running in this JVM and must find their way back by themselves.
 */
final class BrokerOnlyStack implements CrashableStack {
    private final Path dataDir;
    private final Map<String, String> env;
    private final int brokerPort = FreePorts.pick();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Deque<AutoCloseable> services = new ArrayDeque<>();
    private LocalSchemaRegistry registry;
    private Process broker;

    BrokerOnlyStack(Path dataDir, Map<String, String> env) {
        this.dataDir = dataDir;
        this.env = new HashMap<>(env);
    }

    @Override
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        long began = System.nanoTime();
        startBroker(timeout);
        if (services.isEmpty()) {
            registry = LocalSchemaRegistry.startEphemeral();
            services.push(registry);
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
            env.put("SCHEMA_REGISTRY_URL", registry.url());
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
        long deadline = began + timeout.toNanos();
        for (String port : List.of(env.get("INGEST_PORT"), env.get("PROCESSOR_PORT"), env.get("NOTIFIER_PORT"))) {
            while (!CrashableStack.ready(http, port)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("services not ready within " + timeout + " after the broker came back");
                }
                Thread.sleep(100);
            }
        }
        return Duration.ofNanos(System.nanoTime() - began);
    }

    private void startBroker(Duration timeout) throws IOException, InterruptedException {
        Path log = Files.createTempFile("onramp-broker-", ".log");
        broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                StandaloneBroker.class.getName(), dataDir.resolve("kafka").toString(), String.valueOf(brokerPort))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(log, StandardCharsets.UTF_8).contains("READY 127.0.0.1:" + brokerPort)) {
            if (!broker.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("broker not ready on port " + brokerPort + "; log: " + log);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void kill() throws InterruptedException {
        broker.destroyForcibly();
        broker.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        while (!services.isEmpty()) {
            services.pop().close();
        }
        if (broker != null && broker.isAlive()) {
            broker.destroy();
            if (!broker.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
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
