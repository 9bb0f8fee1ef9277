package dev.onramp.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole dev stack (broker, registry, ingest, processor, notifier) in a child JVM, SIGKILLed with its registry
 * child three times while Stripe-shaped sessions with every delivery quirk arrive, restarted each time on the same
 * data. Then, read from the topics and counted at a real SMTP server: nothing acknowledged is lost, every terminal
 * session has exactly one outcome, every outcome with a recipient was told, and a repeated email carries the same
 * Message-ID.
 */
@Tag("slow")
class DevStackCrashIntegrationTest {
    @TempDir
    Path data;

    @Test
    void sigkilledThreeTimesMidRunLosesNothingAndTellsEveryoneOnce() throws Exception {
        CrashRun.Report report = CrashRun.of(data, CrashRun.Victim.WHOLE_STACK, 240, 3, 7, 60, System.out).execute();
        System.out.println(report.summary());

        CrashInvariants.assertHeld(report, 3);
        // Back after every kill (each restart must be ready within CrashRun's 3 minutes); how fast is a figure of
        // `onramp bench crash`, not an assertion that a busy machine would fail.
        assertThat(report.readyAfterRestart()).hasSize(3);
    }
}
