package dev.onramp.bench.crash;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node KRaft cluster (every topic replication 3, min ISR 2), each node in its own JVM: the leader of
 * {@code onramp.session-events.v1}-0 is SIGKILLed mid-run, twice, while the services keep running. Leadership moves,
 * and nothing acknowledged is lost; every session still ends with exactly one outcome and one email.
 */
@Tag("slow")
class ClusterLeaderCrashIntegrationTest {
    @TempDir
    Path data;

    @Test
    void killingTheEventsLeaderLosesNothingAndTellsEveryoneOnce() throws Exception {
        CrashRun.Report report = CrashRun.of(data, CrashRun.Victim.EVENTS_LEADER, 160, 2, 13, 60, System.out).execute();
        System.out.println(report.summary());

        CrashInvariants.assertHeld(report, 2);
    }
}
