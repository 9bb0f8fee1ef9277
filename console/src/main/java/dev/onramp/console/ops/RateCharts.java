package dev.onramp.console.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.onramp.console.ops.PipelineSnapshot.Chart;
import dev.onramp.console.ops.PipelineSnapshot.Series;

/** The overview's charts: per-second rates of the pipeline's counters between consecutive samples. */
final class RateCharts {
    /** One sample of every service's metrics. */
    record Tick(Instant at, Map<String, List<MetricSample>> byService) {
    }

    /** A chart: the counter of one service, one series per value of the labels named. */
    private record Spec(String title, String service, String metric, List<String> by) {
    }

    private static final List<Spec> CHARTS = List.of(
            new Spec("Webhooks by outcome", "ingest", "onramp_ingest_webhooks_total", List.of("outcome")),
            new Spec("Webhooks refused: signature failures by reason", "ingest", "onramp_ingest_signature_failures_total",
                    List.of("reason")),
            new Spec("Outcomes", "processor", "onramp_processor_outcomes_total", List.of("outcome")),
            new Spec("Sends by channel and result", "notifier", "onramp_notifier_sends_total", List.of("channel", "result")));

    private static final String BACKLOG_SERVICE = "notifier";
    /** Gauges shown as they are: the notifier's retry backlog and how late its oldest due retry is. */
    private static final Map<String, String> BACKLOG = Map.of(
            "retry backlog", "onramp_notifier_retry_backlog",
            "oldest due retry, seconds late", "onramp_notifier_retry_oldest_overdue_seconds",
            "attempts with the senders", "onramp_notifier_attempts_with_sender");

    private RateCharts() {
    }

    static List<Chart> of(List<Tick> ticks) {
        return CHARTS.stream().map(spec -> chart(spec, ticks)).toList();
    }

    /**
     * What of a service's samples the charts and the backlog read: a tick keeps only these, since a service's page
     * holds thousands of Kafka client samples and {@link PipelineWatch#SAMPLES} ticks of all of them would be a
     * standing heap of a hundred MB or more for seven series.
     */
    static List<MetricSample> used(String service, List<MetricSample> samples) {
        Set<String> names = new LinkedHashSet<>();
        CHARTS.stream().filter(spec -> spec.service().equals(service)).forEach(spec -> names.add(spec.metric()));
        if (service.equals(BACKLOG_SERVICE)) {
            names.addAll(BACKLOG.values());
        }
        return samples.stream().filter(sample -> names.contains(sample.name())).toList();
    }

    static Map<String, Double> backlog(Map<String, List<MetricSample>> latest) {
        Map<String, Double> values = new LinkedHashMap<>();
        BACKLOG.forEach((label, metric) -> latest.getOrDefault(BACKLOG_SERVICE, List.of()).stream()
                .filter(s -> s.name().equals(metric)).mapToDouble(MetricSample::value).reduce(Double::sum)
                .ifPresent(sum -> values.put(label, sum)));
        return values;
    }

    private static Chart chart(Spec spec, List<Tick> ticks) {
        List<Map<String, Double>> totals = ticks.stream().map(tick -> totals(spec, tick)).toList();
        Set<String> labels = new LinkedHashSet<>();
        totals.forEach(t -> labels.addAll(t.keySet()));
        List<Series> series = new ArrayList<>();
        for (String label : labels) {
            List<Double> rates = new ArrayList<>();
            for (int i = 1; i < ticks.size(); i++) {
                double seconds = Duration.between(ticks.get(i - 1).at(), ticks.get(i).at()).toMillis() / 1000.0;
                Double before = totals.get(i - 1).get(label);
                Double now = totals.get(i).get(label);
                // A counter that appeared, or went back to zero when its service restarted, counts from zero.
                double delta = now == null ? 0 : before == null || now < before ? now : now - before;
                rates.add(seconds <= 0 ? 0 : delta / seconds);
            }
            series.add(new Series(label, rates));
        }
        return new Chart(spec.title(), series);
    }

    /** The counter's value per label set at one tick, summed over the labels not named. */
    private static Map<String, Double> totals(Spec spec, Tick tick) {
        Map<String, Double> totals = new LinkedHashMap<>();
        for (MetricSample sample : tick.byService().getOrDefault(spec.service(), List.of())) {
            if (sample.name().equals(spec.metric())) {
                String label = spec.by().stream().map(l -> sample.labels().getOrDefault(l, "?")).collect(Collectors.joining(" "));
                totals.merge(label, sample.value(), Double::sum);
            }
        }
        return totals;
    }
}
