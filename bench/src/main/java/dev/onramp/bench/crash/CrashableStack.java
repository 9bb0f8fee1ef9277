package dev.onramp.bench.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A running pipeline that a crash run can SIGKILL (all of it, or one part) and start again on the same data. */
interface CrashableStack extends AutoCloseable {
    /** Starts (or starts again what was killed) and returns how long until every service answered ready. */
    Duration start(Duration timeout) throws IOException, InterruptedException;

    /** SIGKILL of whatever this stack takes away. */
    void kill() throws InterruptedException;

    String bootstrapServers();

    String registryUrl();

    String ingestUrl();

    /**
     * Waits until ingest (on its admin port), processor and notifier all answer ready. {@code stillUp} throws when
     * the stack died meanwhile; past {@code deadlineNanos}, fails with {@code notReady}.
     */
    static void awaitServicesReady(HttpClient http, Map<String, String> env, long deadlineNanos, Runnable stillUp,
                                   String notReady) throws InterruptedException {
        for (String port : List.of(env.get("INGEST_ADMIN_PORT"), env.get("PROCESSOR_PORT"), env.get("NOTIFIER_PORT"))) {
            while (!ready(http, port)) {
                stillUp.run();
                if (System.nanoTime() > deadlineNanos) {
                    throw new IllegalStateException(notReady);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Whether the service on this port answers ready. */
    private static boolean ready(HttpClient http, String port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
