package dev.onramp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.onramp.bench.crash.CrashRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What SIGKILL of the whole dev stack costs: lost webhooks, duplicate outcomes and emails, time back to ready. */
@Command(name = "crash", mixinStandardHelpOptions = true,
        description = "Simulate sessions against a dev stack SIGKILLed several times mid-run; count what was lost or told twice.")
public final class CrashBench implements Callable<Integer> {
    @Option(names = "--sessions", description = "Sessions to simulate, with every delivery quirk (default ${DEFAULT-VALUE}).")
    int sessions = 5_000;

    @Option(names = "--kills", description = "SIGKILLs, spread over the run by progress (default ${DEFAULT-VALUE}).")
    int kills = 5;

    @Option(names = "--rate", description = "Webhooks per second (default ${DEFAULT-VALUE}).")
    double rate = 200;

    @Option(names = "--seed", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--victim", description = "What each kill takes away: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    CrashRun.Victim victim = CrashRun.Victim.WHOLE_STACK;

    @Option(names = "--data", description = "Data directory of the stack (default: a new temporary one).")
    Path data;

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? data : Files.createTempDirectory("onramp-crash-");
        CrashRun.Report report = CrashRun.of(dir, victim, sessions, kills, seed, rate, System.err).execute();
        System.out.printf("%nmachine: %d cores, Java %s; %d sessions, data in %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), sessions, dir);
        System.out.println(report.summary());
        return report.ok() ? 0 : 1;
    }
}
