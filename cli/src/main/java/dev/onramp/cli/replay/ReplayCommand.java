package dev.onramp.cli.replay;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.session.SessionStateMachine;
import dev.onramp.runtime.Env;
import dev.onramp.schemas.kafka.KafkaConnection;
import picocli.CommandLine.Command;
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
    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092).")
    String bootstrap;
    @Option(names = "--registry", description = "Schema registry URL (default: SCHEMA_REGISTRY_URL or the local one).")
    String registry;

    @Override
    public Integer call() throws Exception {
        if (!tag.matches("[A-Za-z0-9_-]{1,40}")) {
            System.err.println("--tag must be letters, digits, - or _ (at most 40)");
            return 2;
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        if (bootstrap != null) {
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        }
        if (registry != null) {
            env.put("SCHEMA_REGISTRY_URL", registry);
        }
        SessionReplay replay = new SessionReplay(KafkaConnection.fromEnv(env), ProcessorConfig.rulesFromEnv(new Env(env)), System.err);
        SessionReplay.Result result;
        try {
            result = remapRaw
                    ? replay.runRemapped(tag, since, new dev.onramp.ingest.webhook.WebhookMapper())
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
