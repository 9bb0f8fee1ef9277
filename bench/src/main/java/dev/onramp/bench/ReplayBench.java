package dev.onramp.bench;

import java.util.concurrent.Callable;

import dev.onramp.audit.replay.SessionReplay;
import dev.onramp.session.state.SessionStateMachine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Events/s of `onramp replay` over a large event log on the in-process broker. */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Replay events/s over a large onramp.session-events.v1.")
public final class ReplayBench implements Callable<Integer> {
    @Option(names = "--sessions", description = "Sessions, four events each plus 10 %% duplicates (default ${DEFAULT-VALUE}: ~2.2M events).")
    int sessions = 500_000;

    @Override
    public Integer call() throws Exception {
        try (BenchStack stack = new BenchStack()) {
            ProcessorBench events = new ProcessorBench();
            events.sessions = sessions;
            long produced = events.produce(stack, new PersonalDetails(true));
            ProcessCpu cpu = ProcessCpu.start();
            SessionReplay.Result result = new SessionReplay(stack.connection, System.err).run("bench", null, new SessionStateMachine());
            ProcessCpu.Span span = cpu.stop(Math.max(1, result.events()));
            System.out.printf("%nmachine: %d cores, Java %s; %d events in the log (%d sessions), 3 partitions%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), produced, sessions);
            System.out.printf("replay: %d events at %.0f events/s (start-up and writing the results included)%n",
                    result.events(), result.eventsPerSecond());
            // Whole process over the replay: the broker serving the reads and taking the results is in it.
            System.out.printf("CPU: %s%n", span);
        }
        return 0;
    }
}
