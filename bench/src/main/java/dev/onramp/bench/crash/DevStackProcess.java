package dev.onramp.bench.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * {@code onramp dev} in a child JVM on one data directory: started, SIGKILLed with its registry child, and started
 * again, the way a developer's machine loses power or an OOM killer strikes. Ports are fixed by the environment,
 * so the stack comes back where it was.
 */
public final class DevStackProcess implements CrashableStack {
    private static final Pattern KAFKA = Pattern.compile("Kafka\\s+(\\S+:\\d+)");
    private static final Pattern REGISTRY = Pattern.compile("Schema registry\\s+(http\\S+)");

    private final Path dataDir;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Path log;
    private int starts;

    public DevStackProcess(Path dataDir, Map<String, String> env) {
        this.dataDir = dataDir;
        this.env = Map.copyOf(env);
    }

    /** Starts the stack and returns how long it took until ingest, processor and notifier all answered ready. */
    @Override
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        long began = System.nanoTime();
        log = Files.createTempFile("onramp-dev-" + (++starts) + "-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m", "-XX:+UseParallelGC"));
        String apicurio = System.getProperty("apicurio.home");
        if (apicurio != null) {
            command.add("-Dapicurio.home=" + apicurio);
        }
        command.addAll(List.of("-cp", ChildClassPath.get(),
                "dev.onramp.devtools.OnrampDev", "dev", "--data", dataDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        process = builder.start();
        CrashableStack.awaitServicesReady(http, env, began + timeout.toNanos(), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("onramp dev exited with " + process.exitValue() + "; log: " + log);
            }
        }, "onramp dev not ready within " + timeout + "; log: " + log);
        return Duration.ofNanos(System.nanoTime() - began);
    }

    /** SIGKILL: the registry child first (so it cannot outlive its parent), then the dev JVM. Nothing is flushed. */
    @Override
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle child : process.descendants().toList()) {
            child.onExit().orTimeout(30, TimeUnit.SECONDS);
        }
    }

    /** A clean stop (SIGTERM), as Ctrl-C. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    @Override
    public String bootstrapServers() {
        return fromLog(KAFKA);
    }

    @Override
    public String registryUrl() {
        return fromLog(REGISTRY);
    }

    @Override
    public String ingestUrl() {
        return "http://127.0.0.1:" + env.get("INGEST_PORT");
    }

    public Path log() {
        return log;
    }

    private String fromLog(Pattern pattern) {
        try {
            Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("onramp dev did not print " + pattern + "; log: " + log);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
