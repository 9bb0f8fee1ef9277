package dev.onramp.console.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.console.ops.PipelineSnapshot.ServiceHealth;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the pipeline every interval: each service's health and metrics (over HTTP, as Prometheus would), the lag
 * of every consumer group and the size of each dead-letter topic (from Kafka). Keeps the last {@link #SAMPLES}
 * metric samples for the charts. A service that does not answer is UNREACHABLE, never an error of the console.
 */
public final class PipelineWatch implements AutoCloseable {
    public static final int SAMPLES = 90;
    private static final Logger log = LoggerFactory.getLogger(PipelineWatch.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final Map<String, URI> services;
    private final ConsumerLag lag;
    private final DeadLetterCounts deadLetters;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private final Deque<RateCharts.Tick> ticks = new ArrayDeque<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "console-watch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile PipelineSnapshot latest;
    private final MultiGauge lagGauge;
    private final MultiGauge deadLetterGauge;
    private final MultiGauge readyGauge;

    /**
     * {@code metrics}: where the console publishes what only it sees, for alerting: {@code onramp_console_consumer_lag}
     * per group, {@code onramp_console_dead_letters} per kind, {@code onramp_console_service_ready} per service.
     */
    public PipelineWatch(Map<String, URI> services, ConsumerLag lag, DeadLetterCounts deadLetters, Clock clock,
                         MeterRegistry metrics) {
        this.services = services;
        this.lag = lag;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.latest = new PipelineSnapshot(clock.instant(), List.of(), List.of(), Map.of(), List.of(), Map.of());
        this.lagGauge = MultiGauge.builder("onramp.console.consumer.lag")
                .description("Records each consumer group has yet to read (read_committed)").register(metrics);
        this.deadLetterGauge = MultiGauge.builder("onramp.console.dead.letters")
                .description("Entries on each dead-letter topic").register(metrics);
        this.readyGauge = MultiGauge.builder("onramp.console.service.ready")
                .description("1 when the service answers ready (UP or DEGRADED), 0 otherwise").register(metrics);
    }

    public PipelineWatch start(Duration interval) {
        timer.scheduleWithFixedDelay(this::sampleQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public PipelineSnapshot latest() {
        return latest;
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            log.warn("could not sample the pipeline: {}", e.toString());
        }
    }

    /** One sample, now (also what the timer does). */
    public synchronized PipelineSnapshot sample() {
        Instant at = clock.instant();
        List<ServiceHealth> health = new ArrayList<>();
        Map<String, List<MetricSample>> metrics = new LinkedHashMap<>();
        services.forEach((name, base) -> {
            health.add(health(name, base));
            metrics.put(name, get(base.resolve("/metrics")).map(page -> RateCharts.used(name, MetricSample.parse(page))).orElse(List.of()));
        });
        ticks.addLast(new RateCharts.Tick(at, metrics));
        while (ticks.size() > SAMPLES) {
            ticks.removeFirst();
        }
        latest = new PipelineSnapshot(at, health, lag.groups(), deadLetters.counts(), RateCharts.of(List.copyOf(ticks)),
                RateCharts.backlog(metrics));
        publish(latest);
        return latest;
    }

    private void publish(PipelineSnapshot snapshot) {
        lagGauge.register(snapshot.lag().stream()
                .map(g -> MultiGauge.Row.of(Tags.of("group", g.group()), (Number) g.total())).toList(), true);
        deadLetterGauge.register(snapshot.deadLetters().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("kind", e.getKey()), (Number) e.getValue())).toList(), true);
        readyGauge.register(snapshot.services().stream()
                .map(s -> MultiGauge.Row.of(Tags.of("service", s.name()),
                        (Number) ("UP".equals(s.status()) || "DEGRADED".equals(s.status()) ? 1 : 0))).toList(), true);
    }

    private ServiceHealth health(String name, URI base) {
        Optional<String> ready = get(base.resolve("/health/ready"));
        boolean live = get(base.resolve("/health/live")).filter(body -> !body.contains("\"DOWN\"")).isPresent();
        if (ready.isEmpty()) {
            return new ServiceHealth(name, "UNREACHABLE", live, Map.of());
        }
        try {
            JsonNode body = JSON.readTree(ready.get());
            Map<String, String> checks = new LinkedHashMap<>();
            body.path("checks").fields().forEachRemaining(e -> checks.put(e.getKey(), e.getValue().asText()));
            return new ServiceHealth(name, body.path("status").asText("DOWN"), live, checks);
        } catch (Exception e) {
            return new ServiceHealth(name, "DOWN", live, Map.of("health", "answer was not JSON"));
        }
    }

    /** The body of a GET, whatever its status (a 503 health answer says why), or empty when nothing answered. */
    private Optional<String> get(URI uri) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return Optional.of(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
