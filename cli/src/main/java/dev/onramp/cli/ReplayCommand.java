package dev.onramp.cli;

import java.time.Instant;
import java.util.concurrent.Callable;

import dev.onramp.audit.replay.SessionReplay;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.session.state.SessionStateMachine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code onramp replay}: re-derive state from the event log beside production, and say what would change. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-run the processor over onramp.session-events.v1 into .replay-<tag> topics and diff against live.")
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--tag", required = true, description = "Names the replay: topics get the suffix .replay-<tag>.")
    String tag;
    @Option(names = "--since", description = "Replay from this time (ISO-8601) instead of the start.")
    Instant since;
    @Option(names = "--remap-raw", description = "Re-map onramp.webhooks.raw.v1 with ingest's mapping first (for a fix in ingest).")
    boolean remapRaw;
    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        if (!tag.matches("[A-Za-z0-9_-]{1,40}")) {
            System.err.println("--tag must be letters, digits, - or _ (at most 40)");
            return 2;
        }
        SessionReplay replay = new SessionReplay(kafka.connection(), ProcessorConfig.settingsFromEnv(kafka.env()), System.err);
        SessionReplay.Result result;
        try {
            result = remapRaw
                    ? replay.runRemapped(tag, since, new WebhookMapper())
                    : replay.run(tag, since, new SessionStateMachine());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        System.out.printf("replayed %d events at %.0f events/s into *%s%n", result.events(), result.eventsPerSecond(), SessionReplay.suffix(tag));
        System.out.printf("%d difference(s) from live state and outcomes%n", result.differences().size());
        result.differences().forEach(d -> System.out.println("  " + d));
        return 0;
    }
}
