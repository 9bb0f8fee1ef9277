package dev.onramp.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class OnrampDevTest {

    @Test
    void helpListsTheDevelopersCommandsFirstAndEveryShippedOne() {
        CommandLine commandLine = OnrampDev.commandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));

        assertThat(commandLine.execute("--help")).isZero();

        List<String> names = List.copyOf(commandLine.getSubcommands().keySet());
        assertThat(names.subList(0, 2)).containsExactly("dev", "simulate");
        assertThat(names).contains("ingest", "processor", "notifier", "console", "audit", "replay", "reconcile", "acls",
                "contracts", "help");
        assertThat(out.toString().indexOf("  dev ")).isLessThan(out.toString().indexOf("  ingest "));
        assertThat(commandLine.getSubcommands().get("ingest").getParent()).isSameAs(commandLine);
    }
}
