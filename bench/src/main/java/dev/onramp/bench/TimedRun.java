package dev.onramp.bench;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One run of a measured app or tool: its rate and what it cost in CPU. The benches run each side more than once
 * and take its fastest run, because the first runs also warm the JVM up.
 */
record TimedRun(double perSecond, ProcessCpu.Span cpu) {
    static TimedRun fastest(List<TimedRun> runs) {
        return runs.stream().max(Comparator.comparingDouble(TimedRun::perSecond)).orElseThrow();
    }

    /** The rates of all runs, in order, for the report. */
    static String rates(List<TimedRun> runs) {
        return runs.stream().map(r -> String.format("%.0f", r.perSecond())).collect(Collectors.joining(", "));
    }
}
