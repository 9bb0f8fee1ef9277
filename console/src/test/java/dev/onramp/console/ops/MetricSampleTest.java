package dev.onramp.console.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MetricSampleTest {
    @Test
    void readsNamesLabelsAndValuesAndSkipsCommentsAndGarbage() {
        List<MetricSample> samples = MetricSample.parse(String.join("\n",
                "# HELP onramp_notifier_sends_total Attempts by channel and result",
                "# TYPE onramp_notifier_sends_total counter",
                "onramp_notifier_sends_total{channel=\"EMAIL\",result=\"SENT\",} 42.0",
                "onramp_notifier_retry_backlog 3.0",
                "",
                "odd{reason=\"a \\\"quoted\\\", comma\"} 1.5e2",
                "not a metric line"));
        assertThat(samples).containsExactly(
                new MetricSample("onramp_notifier_sends_total", Map.of("channel", "EMAIL", "result", "SENT"), 42.0),
                new MetricSample("onramp_notifier_retry_backlog", Map.of(), 3.0),
                new MetricSample("odd", Map.of("reason", "a \"quoted\", comma"), 150.0));
    }
}
