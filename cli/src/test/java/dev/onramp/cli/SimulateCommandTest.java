package dev.onramp.cli;

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
}
