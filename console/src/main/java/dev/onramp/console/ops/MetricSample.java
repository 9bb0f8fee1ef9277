package dev.onramp.console.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One line of a Prometheus text exposition: a metric name, its labels and its value. */
public record MetricSample(String name, Map<String, String> labels, double value) {
    /**
     * The samples of a {@code /metrics} page (the text format our services serve). Comments, blank lines and lines
     * it cannot read are skipped: a service's metric page must never break the console.
     */
    public static List<MetricSample> parse(String exposition) {
        return exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(MetricSample::parseLine).filter(sample -> sample != null).toList();
    }

    private static MetricSample parseLine(String line) {
        try {
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (brace < 0) {
                return new MetricSample(line.substring(0, line.indexOf(' ')), Map.of(), Double.parseDouble(line.substring(space + 1)));
            }
            int close = line.lastIndexOf('}');
            return new MetricSample(line.substring(0, brace), labels(line.substring(brace + 1, close)),
                    Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code a="x",b="y"}: values may hold escaped quotes, commas and backslashes. */
    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).trim().replaceFirst("^,", "").trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (j < text.length() && text.charAt(j) != '"') {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < text.length()) {
                    char next = text.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
                j++;
            }
            labels.put(name, value.toString());
            i = j + 1;
        }
        return labels;
    }
}
