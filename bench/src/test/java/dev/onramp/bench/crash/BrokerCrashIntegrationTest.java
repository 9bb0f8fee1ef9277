package dev.onramp.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker alone SIGKILLed three times mid-run while ingest, processor and notifier keep running: ingest answers
 * 503 meanwhile (Stripe retries), and everything resumes by itself with nothing lost and nobody told twice.
 */
@Tag("slow")
class BrokerCrashIntegrationTest {
    @TempDir
    Path data;

    @Test
    void servicesRideOutThreeBrokerKillsAndLoseNothing() throws Exception {
        CrashRun.Report report = CrashRun.of(data, CrashRun.Victim.BROKER, 200, 3, 11, 60, System.out).execute();
        System.out.println(report.summary());

        CrashInvariants.assertHeld(report, 3);
        assertThat(report.deliveriesRetried()).as("deliveries answered 503 (or not at all) while the broker was away").isPositive();
        // Back after every kill (each restart must be ready within CrashRun's 3 minutes); how fast is a figure of
        // `onramp bench crash`, not an assertion that a busy machine would fail.
        assertThat(report.readyAfterRestart()).hasSize(3);
    }
}
