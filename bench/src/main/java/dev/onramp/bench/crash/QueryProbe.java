package dev.onramp.bench.crash;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks the processors' query API, as a platform does, about sessions whose outcome is already visible, at a steady
 * pace, each time of an instance picked at random among those serving (ready and not being stopped, as a Service's
 * endpoints): every answer must be the session, never a 5xx and never a 404.
 */
final class QueryProbe implements AutoCloseable {
    /** Questions asked and how they were answered; {@code unreachable}: no answer (an instance killed meanwhile). */
    record Counts(long asked, long found, long wrongNotFound, long serverErrors, long unreachable) {
        Counts since(Counts before) {
            return new Counts(asked - before.asked, found - before.found, wrongNotFound - before.wrongNotFound,
                    serverErrors - before.serverErrors, unreachable - before.unreachable);
        }
    }

    private final List<ServiceInstance> processors;
    private final PrintStream log;
    private final OutcomeWatch watch;
    private final String apiKey;
    private final Duration every;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Random random = new Random(7);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong asked = new AtomicLong();
    private final AtomicLong found = new AtomicLong();
    private final AtomicLong wrongNotFound = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong unreachable = new AtomicLong();
    private final Thread thread;

    QueryProbe(List<ServiceInstance> processors, OutcomeWatch watch, String apiKey, Duration every, PrintStream log) {
        this.log = log;
        this.processors = processors;
        this.watch = watch;
        this.apiKey = apiKey;
        this.every = every;
        thread = new Thread(this::probe, "query-probe");
        thread.setDaemon(true);
        thread.start();
    }

    Counts counts() {
        return new Counts(asked.get(), found.get(), wrongNotFound.get(), serverErrors.get(), unreachable.get());
    }

    private void probe() {
        while (running.get()) {
            List<ServiceInstance> serving = processors.stream().filter(ServiceInstance::serving).toList();
            Optional<String> session = watch.anySeen(random);
            if (!serving.isEmpty() && session.isPresent()) {
                ask(serving.get(random.nextInt(serving.size())), session.get());
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void ask(ServiceInstance processor, String sessionId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processor.env("PROCESSOR_PORT")
                        + "/v1/sessions/" + sessionId))
                .header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(10)).build();
        asked.incrementAndGet();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 200) {
                found.incrementAndGet();
            } else if (status == 404) {
                wrongNotFound.incrementAndGet();
                log.printf("query: %s answered 404 for %s, whose outcome is out%n", processor.name(), sessionId);
            } else if (status >= 500) {
                serverErrors.incrementAndGet();
                log.printf("query: %s answered %d for %s: %s%n", processor.name(), status, sessionId, response.body());
            }
        } catch (IOException e) {
            unreachable.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        thread.join(10_000);
    }
}
