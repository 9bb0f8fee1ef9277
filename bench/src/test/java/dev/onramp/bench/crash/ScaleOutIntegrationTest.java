package dev.onramp.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processors and two notifiers, each a JVM of its own, on a three-node cluster (replication 3, min ISR 2), all
 * started at the same moment; traffic at a fixed rate while one processor and one notifier are SIGKILLed and started
 * again, then a rolling restart of both services onto a build whose outcome contract has a new optional field, half
 * of each on either release for a while. After each: nothing lost, one outcome per terminal session, everyone told on
 * every channel, the query API answering from any instance throughout, every outcome readable by both releases.
 * {@code onramp bench cluster} runs the full version.
 */
@Tag("slow")
class ScaleOutIntegrationTest {
    @TempDir
    Path data;

    @Test
    // Eleven JVMs on the build's cores: each restart takes 20-100 s there, and the upgrade restarts four instances.
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void killsAndARollingUpgradeLoseNothingAndTellEveryoneOnce() throws Exception {
        ScaleOutRun.Settings settings = new ScaleOutRun.Settings(new ScaleOutRun.Size(3, 1, 2, 2), 40, Duration.ZERO, Duration.ofSeconds(12),
                List.of(ScaleOutRun.Fault.KILL_PROCESSOR, ScaleOutRun.Fault.KILL_NOTIFIER, ScaleOutRun.Fault.EVOLVE_CONTRACT), 17,
                // Nine JVMs share the cores: the C1 compiler alone gets each started sooner; figures are the bench's.
                List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));

        ScaleOutRun.Report report = new ScaleOutRun(data, settings, System.out).execute();

        assertThat(report.stretches()).hasSize(3);
        for (ScaleOutRun.Stretch stretch : report.stretches()) {
            String fault = stretch.fault().name();
            CrashInvariants.assertHeld(stretch.tally(), 1);
            assertThat(stretch.queries().found()).as(fault + ": queries answered").isPositive();
            assertThat(stretch.queries().serverErrors()).as(fault + ": query 5xx").isZero();
            assertThat(stretch.queries().wrongNotFound()).as(fault + ": 404 for a session with an outcome").isZero();
            assertThat(stretch.latency().outcomes()).as(fault + ": outcomes timed").isPositive();
        }
        assertThat(report.stretches().get(2).outcomesByWriterSchema())
                .as("outcomes written with both releases of the contract while half the processors ran each").hasSize(2);
        assertThat(report.ok()).isTrue();
    }
}
