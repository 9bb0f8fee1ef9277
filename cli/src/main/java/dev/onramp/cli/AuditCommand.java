package dev.onramp.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.audit.AuditReport;
import dev.onramp.audit.SessionTimeline;
import dev.onramp.audit.TimelineEntry;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code onramp audit}: read the system of record. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Answer what happened, from the topics.",
        subcommands = {AuditCommand.Session.class, AuditCommand.Report.class})
public final class AuditCommand {

    abstract static class Connected {
        @Mixin
        KafkaOptions kafka;

        TopicReader scan() {
            return kafka.topicReader();
        }

        SchemaRegistryClient registryClient() {
            return kafka.connection().registryClient();
        }
    }

    @Command(name = "session", mixinStandardHelpOptions = true, description = "One session's merged, time-ordered timeline.")
    static final class Session extends Connected implements Callable<Integer> {
        @Parameters(index = "0", description = "The session id (cos_...).")
        String sessionId;
        @Option(names = "--since", description = "Only records from this time on (ISO-8601), found with offsets-for-times.")
        Instant since;
        @Option(names = "--format", description = "text or json (JSON lines) (default ${DEFAULT-VALUE}).")
        String format = "text";
        @Option(names = "--reveal-recipient", description = "Show recipient email addresses unmasked.")
        boolean revealRecipient;

        @Override
        public Integer call() throws Exception {
            List<TimelineEntry> timeline;
            try (KafkaKeyStore keys = new KafkaKeyStore(kafka.connection().clientConfig(),
                    new RegistryAvroDeserializer<>(SubjectKey.class, registryClient()), Duration.ZERO)) {
                timeline = new SessionTimeline(scan(), registryClient(), keys).of(sessionId, since, revealRecipient);
            }
            if (timeline.isEmpty()) {
                System.err.println("no records for session " + sessionId + (since == null ? "" : " since " + since));
                return 3;
            }
            print(timeline, format, System.out);
            return 0;
        }
    }

    static void print(List<TimelineEntry> timeline, String format, PrintStream out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (TimelineEntry entry : timeline) {
            if (format.equals("json")) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("at", entry.at().toString());
                line.put("kind", entry.kind());
                line.putAll(entry.details());
                out.println(json.writeValueAsString(line));
            } else {
                StringBuilder text = new StringBuilder(String.format("%-24s %-13s", entry.at(), entry.kind()));
                entry.details().forEach((k, v) -> text.append(' ').append(k).append('=').append(v));
                out.println(text);
            }
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Counts for a period.")
    static final class Report extends Connected implements Callable<Integer> {
        @Option(names = "--from", required = true, description = "Start, inclusive (ISO-8601).")
        Instant from;
        @Option(names = "--to", description = "End, exclusive (ISO-8601; default now).")
        Instant to = Instant.now();
        @Option(names = "--csv", description = "CSV instead of a table.")
        boolean csv;

        @Override
        public Integer call() {
            Map<String, Long> counts = new AuditReport(scan(), registryClient()).of(from, to);
            if (csv) {
                System.out.println("metric,count");
                counts.forEach((k, v) -> System.out.println(k + "," + v));
            } else {
                System.out.printf("%s .. %s%n", from, to);
                counts.forEach((k, v) -> System.out.printf("  %-48s %8d%n", k, v));
                System.out.println("  (refused webhooks are never written to a topic: see ingest's onramp_ingest_signature_failures_total)");
            }
            return 0;
        }
    }
}
