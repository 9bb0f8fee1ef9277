package dev.onramp.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

/** What every crash run must show, whatever was killed: nothing acknowledged lost, nobody told twice. */
final class CrashInvariants {
    private CrashInvariants() {
    }

    static void assertHeld(CrashRun.Report report, int kills) {
        assertThat(report.kills()).isEqualTo(kills);
        assertThat(report.deliveriesGivenUp()).as("deliveries the simulated Stripe gave up on").isZero();
        assertThat(report.lostWebhooks()).as("acknowledged webhooks missing from the raw or events topic").isEmpty();
        assertThat(report.terminalWithoutOutcome()).isEmpty();
        assertThat(report.duplicateOutcomes()).isEmpty();
        assertThat(report.wrongOrUnexpectedOutcomes()).isEmpty();
        assertThat(report.missedNotifications()).isEmpty();
        assertThat(report.emailsWithMoreThanOneMessageId()).as("a second, different email to one user").isEmpty();
        assertThat(report.outcomes()).isPositive();
        assertThat(report.pushes()).as("push and webhook channels were exercised").isPositive();
        assertThat(report.webhooks()).isPositive();
        // A kill repeats at most the sends in flight: one per connection (4 by default) on each channel.
        assertThat(report.repeatedPushes()).isLessThanOrEqualTo(4L * kills);
        assertThat(report.repeatedWebhooks()).isLessThanOrEqualTo(4L * kills);
    }
}
