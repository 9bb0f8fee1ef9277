package dev.onramp.console.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.onramp.console.ops.PipelineSnapshot;

/** A rate chart drawn as SVG polylines on the server: no script, so the page's CSP can forbid all of it. */
public record ChartView(String title, String max, String span, List<Line> lines) {
    public static final int WIDTH = 300;
    public static final int HEIGHT = 80;
    /** Colours that keep 3:1 against the white background and apart from each other. */
    private static final List<String> COLORS = List.of("#0b5cad", "#b3261e", "#1a7f37", "#8250df", "#9a6700", "#bf3989", "#1b7c83", "#57606a");

    public record Line(String label, String points, String latest, String color, int colorIndex) {
    }

    static ChartView of(PipelineSnapshot.Chart chart, Duration interval) {
        double max = chart.series().stream().flatMap(s -> s.perSecond().stream()).mapToDouble(Double::doubleValue).max().orElse(0);
        double top = max <= 0 ? 1 : max;
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < chart.series().size(); i++) {
            PipelineSnapshot.Series series = chart.series().get(i);
            List<Double> values = series.perSecond();
            double step = values.size() <= 1 ? WIDTH : (double) WIDTH / (values.size() - 1);
            String points = IntStream.range(0, values.size())
                    .mapToObj(x -> format(x * step) + "," + format(HEIGHT - values.get(x) / top * (HEIGHT - 4)))
                    .collect(Collectors.joining(" "));
            int color = i % COLORS.size();
            lines.add(new Line(series.label(), points, format(series.latest()), COLORS.get(color), color));
        }
        int samples = chart.series().isEmpty() ? 0 : chart.series().get(0).perSecond().size();
        Duration span = interval.multipliedBy(samples);
        return new ChartView(chart.title(), format(max), span.toMinutes() >= 2 ? span.toMinutes() + " min" : span.toSeconds() + " s", lines);
    }

    /** For the chart's {@code aria-label}: each series and its latest rate. */
    public String summary() {
        return lines.stream().map(l -> l.label() + " " + l.latest() + " per second").collect(Collectors.joining(", "));
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
    }
}
