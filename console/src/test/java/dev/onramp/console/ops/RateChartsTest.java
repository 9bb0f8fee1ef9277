package dev.onramp.console.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.onramp.console.ops.PipelineSnapshot.Chart;
import org.junit.jupiter.api.Test;

class RateChartsTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void ratesArePerSecondBetweenSamplesPerLabelSetAndARestartCountsFromZero() {
        List<RateCharts.Tick> ticks = List.of(
                tick(0, sends(10, 1)),
                tick(10, sends(60, 1)),
                tick(20, sends(5, 3)));
        Chart sends = RateCharts.of(ticks).stream().filter(c -> c.title().startsWith("Sends")).findFirst().orElseThrow();
        assertThat(sends.series()).extracting(PipelineSnapshot.Series::label).containsExactly("EMAIL SENT", "EMAIL TRANSIENT");
        assertThat(sends.series().get(0).perSecond()).containsExactly(5.0, 0.5);
        assertThat(sends.series().get(1).perSecond()).containsExactly(0.0, 0.2);
    }

    @Test
    void theBacklogIsTheNotifiersGauges() {
        assertThat(RateCharts.backlog(Map.of("notifier", List.of(new MetricSample("onramp_notifier_retry_backlog", Map.of(), 7)))))
                .containsEntry("retry backlog", 7.0);
    }

    @Test
    void aTickKeepsOnlyTheSamplesTheChartsAndTheBacklogRead() {
        MetricSample clientMetric = new MetricSample("kafka_producer_record_send_total", Map.of("client_id", "x"), 9);
        List<MetricSample> page = new ArrayList<>(sends(10, 1));
        page.add(clientMetric);
        assertThat(RateCharts.used("notifier", page)).containsExactlyElementsOf(sends(10, 1));
        assertThat(RateCharts.used("ingest", page)).isEmpty();
        MetricSample accepted = new MetricSample("onramp_ingest_webhooks_total", Map.of("outcome", "accepted"), 3);
        assertThat(RateCharts.used("ingest", List.of(accepted, clientMetric))).containsExactly(accepted);
    }

    private static RateCharts.Tick tick(int seconds, List<MetricSample> notifier) {
        return new RateCharts.Tick(T0.plusSeconds(seconds), Map.of("notifier", notifier));
    }

    private static List<MetricSample> sends(double sent, double retrying) {
        return List.of(new MetricSample("onramp_notifier_sends_total", Map.of("channel", "EMAIL", "result", "SENT"), sent),
                new MetricSample("onramp_notifier_sends_total", Map.of("channel", "EMAIL", "result", "TRANSIENT"), retrying),
                new MetricSample("onramp_notifier_retry_backlog", Map.of(), 2));
    }
}
