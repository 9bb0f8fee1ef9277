package dev.onramp.bench;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import dev.onramp.processor.ProcessorSerdes;
import dev.onramp.processor.session.SessionMetrics;
import dev.onramp.session.state.SessionSettings;
import dev.onramp.processor.session.SessionTopology;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Events/s through the session topology next to a pass-through Streams app with the same EOS settings, and next to
 * {@link ProcessorFloor}, the topology's reads and writes without its rules.
 */
@Command(name = "processor", mixinStandardHelpOptions = true,
        description = "Session topology events/s vs an EOS pass-through and the topology's writes alone.")
public final class ProcessorBench implements Callable<Integer> {
    private static final Set<String> PRODUCER_METRICS = Set.of("batch-size-avg", "records-per-request-avg",
            "compression-rate-avg", "record-size-avg", "request-rate", "record-send-rate");

    @Option(names = "--sealing", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Events' personal fields sealed as ingest writes them; --no-sealing: in clear (default ${DEFAULT-VALUE}).")
    boolean sealing;
    @Option(names = "--sessions", description = "Sessions, four events each plus 10 %% duplicates (default ${DEFAULT-VALUE}).")
    int sessions = 75_000;
    @Option(names = "--commit-interval-ms",
            description = "commit.interval.ms of both apps (default ${DEFAULT-VALUE}, Kafka's EOS default; the pipeline's is 50).")
    int commitIntervalMs = 100;
    @Option(names = "--threads", description = "num.stream.threads of both apps (default ${DEFAULT-VALUE}).")
    int threads = 1;
    @Option(names = "--interleaved", description = "Each session's events minutes apart between other sessions' (SessionHistory),"
            + " without duplicates, instead of back to back.")
    boolean interleaved;
    @Option(names = "--runs", description = "Runs of each app, in turns; the fastest of each is taken (default ${DEFAULT-VALUE}).")
    int runs = 3;
    @Option(names = "--producer", description = "A producer setting for all apps, e.g. --producer batch.size=262144 (repeatable).")
    Map<String, String> producerSettings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        try (BenchStack stack = new BenchStack()) {
            PersonalDetails personal = new PersonalDetails(sealing);
            long events = interleaved ? SessionHistory.write(stack, sessions, Duration.ofSeconds(8L * sessions), personal)
                    : produce(stack, personal);
            System.out.printf("events' wallet addresses and transaction ids %s%n", sealing ? "sealed, a key per session" : "in clear");
            stack.broker.createTopic("bench.passthrough", 3, Map.of());
            // Each app runs several times, in turns (pass-through, topology, pass-through, ...): the first runs also
            // warm the JVM up (on two cores the JIT compilers take most of a core for the first minute), and each
            // app's fastest run is taken.
            stack.broker.createTopic(ProcessorFloor.STATE_TOPIC, 3, Map.of());
            stack.broker.createTopic(ProcessorFloor.OUTCOME_TOPIC, 3, Map.of());
            List<TimedRun> passThroughRuns = new ArrayList<>();
            List<TimedRun> topologyRuns = new ArrayList<>();
            List<TimedRun> floorRuns = new ArrayList<>();
            ProcessorFloor.WriteShape shape = null;
            for (int run = 0; run < runs; run++) {
                ProcessCpu cpu = ProcessCpu.start();
                Finished finished = run(stack, "bench-passthrough-" + run, passThroughTopology());
                passThroughRuns.add(new TimedRun(finished.rate(), cpu.stop(events)));
                cpu = ProcessCpu.start();
                String applicationId = "bench-session-topology-" + run;
                finished = run(stack, applicationId,
                        SessionTopology.build(SessionSettings.defaults(), ProcessorSerdes.on(stack.connection.registryClient()),
                                new SessionMetrics(new SimpleMeterRegistry()), Tracing.off()));
                topologyRuns.add(new TimedRun(finished.rate(), cpu.stop(events)));
                shape = ProcessorFloor.WriteShape.of(applicationId, finished.sentByTopic(), events);
                cpu = ProcessCpu.start();
                finished = run(stack, "bench-floor-" + run, ProcessorFloor.build(shape));
                floorRuns.add(new TimedRun(finished.rate(), cpu.stop(events)));
            }
            TimedRun passThrough = TimedRun.fastest(passThroughRuns);
            TimedRun topology = TimedRun.fastest(topologyRuns);
            TimedRun floor = TimedRun.fastest(floorRuns);
            System.out.printf("%nmachine: %d cores, Java %s; %d events (%d sessions, %s), 3 partitions, exactly_once_v2,"
                            + " %d stream thread(s), commit.interval.ms=%d%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), events, sessions,
                    interleaved ? "events minutes apart, interleaved" : "events back to back, 10 % duplicates", threads, commitIntervalMs);
            if (!producerSettings.isEmpty()) {
                System.out.printf("producer settings of all apps: %s%n", producerSettings);
            }
            System.out.printf("session topology wrote %s%n", shape);
            System.out.printf("pass-through (bytes in, bytes out): %.0f events/s (runs: %s)%n",
                    passThrough.perSecond(), TimedRun.rates(passThroughRuns));
            System.out.printf("floor (the topology's writes, no rules): %.0f events/s (runs: %s)%n", floor.perSecond(), TimedRun.rates(floorRuns));
            System.out.printf("session topology:                   %.0f events/s (runs: %s)%n", topology.perSecond(), TimedRun.rates(topologyRuns));
            System.out.printf("ratio:                              %.0f %% (floor: %.0f %% of the pass-through; topology: %.0f %% of the floor)%n",
                    100 * topology.perSecond() / passThrough.perSecond(), 100 * floor.perSecond() / passThrough.perSecond(),
                    100 * topology.perSecond() / floor.perSecond());
            // Whole process (broker included) over each app's whole run, start-up included; of the fastest runs.
            System.out.printf("CPU, pass-through:                  %s%n", passThrough.cpu());
            System.out.printf("CPU, floor:                         %s%n", floor.cpu());
            System.out.printf("CPU, session topology:              %s%n", topology.cpu());
        }
        return 0;
    }

    private static Topology passThroughTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.SESSION_EVENTS.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to("bench.passthrough", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    /** An app's run: its events/s, and the records its producers sent, by topic. */
    private record Finished(double rate, Map<String, Double> sentByTopic) {
    }

    private Finished run(BenchStack stack, String applicationId, Topology topology) throws Exception {
        Properties props = new Properties();
        props.putAll(StreamsApp.baseConfig(stack.connection, applicationId, Files.createTempDirectory(applicationId), null));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        producerSettings.forEach((name, value) -> props.put(StreamsConfig.producerPrefix(name), value));
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            double rate = stack.measureConsumption(applicationId, Topics.SESSION_EVENTS.name(), Duration.ofMinutes(10));
            printProducerBatches(streams);
            return new Finished(rate, ProcessorFloor.recordsSentByTopic(streams));
        }
    }

    /** How each of the app's producers batched: many small batches cost a compressor's buffers and a header each. */
    private static void printProducerBatches(KafkaStreams streams) {
        Map<String, Map<String, String>> byProducer = new TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("producer-metrics") && PRODUCER_METRICS.contains(name.name())
                    && metric.metricValue() instanceof Double value) {
                byProducer.computeIfAbsent(name.tags().get("client-id"), client -> new TreeMap<>())
                        .put(name.name(), String.format(Locale.ROOT, "%.1f", value));
            }
        });
        byProducer.forEach((client, metrics) -> System.out.printf("%s: %s%n", client, metrics));
    }

    long produce(BenchStack stack, PersonalDetails personal) {
        Map<String, Object> config = new HashMap<>(stack.connection.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        SessionStatus[] path = {SessionStatus.INITIALIZED, SessionStatus.REQUIRES_PAYMENT,
                SessionStatus.FULFILLMENT_PROCESSING, SessionStatus.FULFILLMENT_COMPLETE};
        Instant base = Instant.parse("2026-11-25T00:00:00Z");
        long count = 0;
        try (var producer = new KafkaProducer<>(config, new StringSerializer(),
                new RegistryAvroSerializer<OnrampSessionEvent>(stack.connection.registryClient()))) {
            for (int s = 0; s < sessions; s++) {
                String session = String.format("cos_BenchSession%010d", s);
                for (int step = 0; step < path.length; step++) {
                    OnrampSessionEvent event = OnrampSessionEvent.newBuilder()
                            .setEventId("evt_" + session + "_" + step).setEventType("crypto.onramp_session_updated")
                            .setEventCreated(base.plusSeconds(step)).setSessionId(session)
                            .setStatus(path[step]).setStatusRaw(path[step].name().toLowerCase(Locale.ROOT))
                            .setTransactionDetails(TransactionDetails.newBuilder().setDestinationAmount("0.5")
                                    .setDestinationCurrency("eth").setDestinationNetwork("ethereum")
                                    .setSourceAmount("1500.00").setSourceCurrency("usd").build())
                            .setReceivedAt(base).build();
                    event = personal.of(event);
                    producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), session, event));
                    count++;
                    if ((s + step) % 10 == 0) {
                        producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), session, event));
                        count++;
                    }
                }
            }
            producer.flush();
        }
        return count;
    }
}
