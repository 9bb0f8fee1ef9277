package dev.onramp.bench.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One instance of a service in a JVM of its own ({@code onramp ingest|processor|notifier}), configured only by
 * environment variables as a pod is: SIGKILLed, stopped with SIGTERM, and started again on the same state directory,
 * ports and instance id.
 */
final class ServiceInstance {
    /** The services a fleet runs several of, and the variable naming the port each answers ready on. */
    enum Service {
        INGEST("INGEST_ADMIN_PORT"), PROCESSOR("PROCESSOR_PORT"), NOTIFIER("NOTIFIER_PORT");

        private final String readyPortVariable;

        Service(String readyPortVariable) {
            this.readyPortVariable = readyPortVariable;
        }

        String command() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Service service;
    private final int ordinal;
    private final Map<String, String> env;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private String classPath = ChildClassPath.get();
    /** Ready and not being stopped: what a Service's endpoints would route to. */
    private volatile boolean serving;

    private final List<String> jvmOptions;

    ServiceInstance(Service service, int ordinal, Map<String, String> env, List<String> jvmOptions, Path log) {
        this.service = service;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.ordinal = ordinal;
        this.env = new HashMap<>(env);
        this.log = log;
    }

    Service service() {
        return service;
    }

    String name() {
        return service.command() + "-" + ordinal;
    }

    String env(String variable) {
        return env.get(variable);
    }

    Path log() {
        return log;
    }

    boolean serving() {
        return serving;
    }

    /** CPU time this instance's JVM has used since it started. */
    Duration cpu() {
        return alive() ? process.info().totalCpuDuration().orElse(Duration.ZERO) : Duration.ZERO;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The class path the next {@link #launch()} runs on: another build of the service. */
    void moveTo(String nextClassPath) {
        this.classPath = nextClassPath;
    }

    /** Starts the JVM; its output is appended to {@link #log()} across restarts. */
    void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(jvmOptions.isEmpty() ? List.of("-XX:+UseParallelGC") : jvmOptions);
        command.addAll(List.of("-cp", classPath, "dev.onramp.cli.Onramp", service.command()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
    }

    /** Waits until the instance answers ready; fails when it exits first or the deadline passes. */
    void awaitReady(long deadlineNanos) throws InterruptedException {
        URI health = URI.create("http://127.0.0.1:" + env.get(service.readyPortVariable) + "/health/ready");
        while (!ready(health)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited with " + process.exitValue() + "; log: " + log);
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException(name() + " not ready in time; log: " + log);
            }
            Thread.sleep(50);
        }
        serving = true;
    }

    /** SIGKILL: nothing is flushed, closed or committed. */
    void kill() throws InterruptedException {
        serving = false;
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as an orchestrator stops a pod, and the wait for a clean close (SIGKILL past the grace period). */
    void stop(Duration grace) throws InterruptedException {
        serving = false;
        if (!alive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    private boolean ready(URI health) {
        try {
            return http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
