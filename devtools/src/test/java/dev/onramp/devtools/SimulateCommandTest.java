package dev.onramp.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulateCommandTest {
    private static SimulateCommand parsed(String... args) {
        SimulateCommand command = new SimulateCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void quirksAndChannelsAreOnUnlessTurnedOffAsTheReadmeSays() {
        // picocli sets a negatable option's plain form to the opposite of its default: named --no-..., the
        // plain form turns it off and --quirks / --channels keep it on.
        assertThat(parsed().quirks).isTrue();
        assertThat(parsed().channels).isTrue();
        assertThat(parsed("--no-quirks").quirks).isFalse();
        assertThat(parsed("--no-channels").channels).isFalse();
        assertThat(parsed("--quirks").quirks).isTrue();
        assertThat(parsed("--channels").channels).isTrue();
        assertThat(new CommandLine(new SimulateCommand()).getUsageMessage()).contains("--[no-]quirks").contains("--[no-]channels");
    }

    @Test
    void aRateGetsEnoughConnectionsUnlessTheUserChoseThem() {
        assertThat(parsed().concurrency()).isEqualTo(8);
        assertThat(parsed("--rate", "50").concurrency()).isEqualTo(8);
        assertThat(parsed("--rate", "1000").concurrency()).isEqualTo(125);
        assertThat(parsed("--rate", "1000", "--concurrency", "8").concurrency()).isEqualTo(8);
    }

    @Test
    void aRunWellBelowTheRateAskedForSaysSoAndWhatToChange() {
        assertThat(RateShortfall.of(1000, 252, 8, 0)).hasValueSatisfying(warning -> assertThat(warning)
                .startsWith("WARNING: asked for 1000 webhooks/s but sent 252/s (25 %)").contains("--concurrency 32 or more"));
        assertThat(RateShortfall.of(100, 44, 13, 88)).as("the pipeline was down a while: not the connections' fault")
                .hasValueSatisfying(warning -> assertThat(warning).contains("88 deliveries were refused").doesNotContain("--concurrency"));
        assertThat(RateShortfall.of(1000, 950, 125, 0)).as("within a tenth").isEmpty();
        assertThat(RateShortfall.of(0, 252, 8, 0)).as("as fast as it goes").isEmpty();
    }
}
