package dev.onramp.console.ops;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pipeline as the console last sampled it: each service's health, each consumer group's lag, rates, backlogs. */
public record PipelineSnapshot(Instant at, List<ServiceHealth> services, List<GroupLag> lag, Map<String, Long> deadLetters,
                               List<Chart> charts, Map<String, Double> backlog) {

    /** As the ops API answers it: times as ISO-8601. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", at.toString());
        json.put("services", services);
        json.put("lag", lag);
        json.put("dead_letters", deadLetters);
        json.put("charts", charts);
        json.put("backlog", backlog);
        return json;
    }

    /** {@code status}: UP, DEGRADED, DOWN, or UNREACHABLE when the service did not answer at all. */
    public record ServiceHealth(String name, String status, boolean live, Map<String, String> checks) {
        public boolean ok() {
            return "UP".equals(status);
        }
    }

    public record PartitionLag(String topic, int partition, long committed, long end) {
        public long lag() {
            return Math.max(0, end - committed);
        }
    }

    /** {@code state}: the group's state (STABLE, EMPTY: no member is consuming, ...). */
    public record GroupLag(String group, String state, long total, List<PartitionLag> partitions) {
    }

    /** A rate over the samples kept, one series per label set, oldest value first. */
    public record Chart(String title, List<Series> series) {
    }

    public record Series(String label, List<Double> perSecond) {
        public double latest() {
            return perSecond.isEmpty() ? 0 : perSecond.get(perSecond.size() - 1);
        }
    }
}
