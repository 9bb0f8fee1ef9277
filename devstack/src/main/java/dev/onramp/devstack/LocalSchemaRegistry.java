package dev.onramp.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry 2.6 run as a child JVM, speaking the Confluent Schema Registry API under
 * {@code /apis/ccompat/v7}. It is the same registry a user could deploy; we only start it.
 *
 * <p>The runner jar comes from Maven Central (the {@code devstack} module unpacks it at build time). Its location is
 * the system property {@code apicurio.home} or the environment variable {@code APICURIO_HOME}.
 */
public final class LocalSchemaRegistry implements AutoCloseable {
    private static final String PID_FILE = "registry.pid";
    private static final Logger log = LoggerFactory.getLogger(LocalSchemaRegistry.class);
    private static final String RUNNER_JAR = "apicurio-registry-app-2.6.13.Final-runner.jar";

    private final Path home;
    private final int port;
    private final Optional<Path> dataDir;
    private final Path logFile;
    private Process process;

    private LocalSchemaRegistry(Path home, int port, Optional<Path> dataDir, Path logFile) {
        this.home = home;
        this.port = port;
        this.dataDir = dataDir;
        this.logFile = logFile;
    }

    /** An in-memory registry on a free port: what tests use. */
    public static LocalSchemaRegistry startEphemeral() {
        try {
            Path logFile = Files.createTempFile("onramp-registry-", ".log");
            LocalSchemaRegistry registry = new LocalSchemaRegistry(locateHome(), FreePorts.pick(), Optional.empty(), logFile);
            registry.start();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A registry whose schemas (and so their ids) survive restarts, kept in an H2 file under {@code dataDir}. */
    public static LocalSchemaRegistry startPersistent(Path dataDir, int preferredPort) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Before choosing a port: a registry left behind holds both its port and the database's file lock.
        stopLeftBehind(dataDir.resolve(PID_FILE));
        LocalSchemaRegistry registry = new LocalSchemaRegistry(
                locateHome(), FreePorts.preferred(preferredPort), Optional.of(dataDir), dataDir.resolve("registry.log"));
        registry.start();
        return registry;
    }

    /**
     * A registry whose parent was SIGKILLed keeps running (a JVM cannot make its children die with it), holding
     * the H2 file lock, so the next start would fail on a locked database. Its pid is kept beside the database;
     * if that process still runs and is an Apicurio registry, it is stopped first.
     */
    private static void stopLeftBehind(Path pidFile) {
        long pid = readPid(pidFile);
        if (pid <= 0) {
            return;
        }
        Optional<ProcessHandle> left = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(RUNNER_JAR)).orElse(false));
        if (left.isEmpty()) {
            return;
        }
        log.warn("a schema registry left running by an earlier start that was killed (pid {}) holds {}: stopping it",
                pid, pidFile.getParent());
        left.get().destroy();
        try {
            left.get().onExit().get(15, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            left.get().destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pid in the file, or -1 when there is none. */
    private static long readPid(Path pidFile) {
        if (!Files.exists(pidFile)) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The base URL that Confluent-API clients take as {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        long began = System.nanoTime();
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-jar");
        command.add(home.resolve(RUNNER_JAR).toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        dataDir.ifPresent(dir -> {
            builder.environment().put("REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
            builder.environment().put("REGISTRY_DATASOURCE_USERNAME", "sa");
            builder.environment().put("REGISTRY_DATASOURCE_PASSWORD", "sa");
        });
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Apicurio from " + home, e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "registry-reaper"));
        dataDir.ifPresent(dir -> writePid(dir.resolve(PID_FILE), started.pid()));
        awaitReady(Duration.ofSeconds(90));
        log.info("Schema registry ready at {} in {} ms (log {})",
                url(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), logFile);
    }

    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        dataDir.ifPresent(dir -> dir.resolve(PID_FILE).toFile().delete());
        log.info("Schema registry at {} stopped", url());
    }

    @Override
    public void close() {
        stop();
    }

    private static void writePid(Path pidFile, long pid) {
        try {
            Files.writeString(pidFile, pid + "\n");
        } catch (IOException e) {
            log.warn("could not write {}: {}", pidFile, e.toString());
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("schema registry exited with " + process.exitValue() + "; see " + logFile);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop();
        throw new IllegalStateException("schema registry not ready within " + timeout + "; see " + logFile);
    }

    private static Path locateHome() {
        String configured = Optional.ofNullable(System.getProperty("apicurio.home"))
                .orElse(System.getenv("APICURIO_HOME"));
        if (configured == null) {
            throw new IllegalStateException(
                    "Apicurio location unknown: set APICURIO_HOME (or -Dapicurio.home) to the folder holding "
                            + RUNNER_JAR + "; `mvn -pl devstack package` unpacks it into devstack/target/apicurio");
        }
        Path home = Paths.get(configured);
        if (!Files.isRegularFile(home.resolve(RUNNER_JAR))) {
            throw new IllegalStateException("no " + RUNNER_JAR + " in " + home
                    + "; `mvn -pl devstack package` unpacks it there");
        }
        return home;
    }
}
