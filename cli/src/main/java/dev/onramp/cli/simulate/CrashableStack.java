package dev.onramp.cli.simulate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A running pipeline that a crash run can SIGKILL (all of it, or one part) and start again on the same data. */
interface CrashableStack extends AutoCloseable {
    /** Starts (or starts again what was killed) and returns how long until every service answered ready. */
    Duration start(Duration timeout) throws IOException, InterruptedException;

    /** SIGKILL of whatever this stack takes away. */
    void kill() throws InterruptedException;

    String bootstrapServers();

    String registryUrl();

    String ingestUrl();

    /** Whether the service on this port answers ready. */
    static boolean ready(HttpClient http, String port) {
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
