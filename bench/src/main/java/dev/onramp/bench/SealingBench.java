package dev.onramp.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.runtime.privacy.RecordSealer;
import dev.onramp.runtime.privacy.SubjectKeys;
import dev.onramp.session.webhook.ClientSecretRedactor;
import dev.onramp.session.webhook.SignedJson;
import dev.onramp.session.webhook.UnmappableWebhook;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.session.webhook.WebhookReceipt;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What sealing personal data costs by itself, apart from Kafka: ingest's {@code RecordSealer} over the records of
 * simulated webhooks (four per session, so a new data key every fourth), on one warm thread; and the bytes of a
 * webhook's records sealed and in clear, before and after lz4 over producer-sized batches.
 */
@Command(name = "sealing", mixinStandardHelpOptions = true, description = "CPU and bytes of sealing a webhook's personal fields.")
public final class SealingBench implements Callable<Integer> {
    private static final String[] STATUSES = {"initialized", "requires_payment", "fulfillment_processing", "fulfillment_complete"};
    private static final int BATCH_BYTES = 16_384;

    @Option(names = "--sessions", description = "Simulated sessions, four webhooks each (default ${DEFAULT-VALUE}).")
    int sessions = 2_000;

    @Option(names = "--rounds", description = "Rounds of sealing them all; the last half is reported (default ${DEFAULT-VALUE}).")
    int rounds = 14;

    @Override
    public Integer call() throws Exception {
        List<List<ProducerRecord<String, ? extends SpecificRecord>>> webhooks = webhooks();
        System.out.printf("machine: %d cores, Java %s; %,d webhooks of %,d sessions%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), webhooks.size(), sessions);
        List<Double> micros = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            RecordSealer sealer = RecordSealer.forIngest(new SubjectKeys(sessions * 2), Clock.systemUTC());
            long began = System.nanoTime();
            for (List<ProducerRecord<String, ? extends SpecificRecord>> records : webhooks) {
                sealer.seal(records).committed();
            }
            micros.add((System.nanoTime() - began) / 1e3 / webhooks.size());
        }
        List<Double> warm = micros.subList(rounds / 2, rounds).stream().sorted().toList();
        System.out.printf("sealing: %.1f-%.1f µs per webhook (warm rounds, one thread; a new data key every fourth webhook)%n",
                warm.get(0), warm.get(warm.size() - 1));
        printBytes(webhooks, RecordSealer.NONE, "in clear");
        printBytes(webhooks, RecordSealer.forIngest(new SubjectKeys(sessions * 2), Clock.systemUTC()), "sealed");
        return 0;
    }

    private List<List<ProducerRecord<String, ? extends SpecificRecord>>> webhooks() throws UnmappableWebhook {
        ClientSecretRedactor redactor = new ClientSecretRedactor(SignedJson.mapper());
        WebhookMapper mapper = new WebhookMapper();
        List<List<ProducerRecord<String, ? extends SpecificRecord>>> webhooks = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            for (int i = 0; i < STATUSES.length; i++) {
                String body = OnrampEvents.sessionUpdated("evt_bench_" + s + "_" + i, String.format("cos_SealingBench%08d", s),
                        STATUSES[i], 1_700_000_000L + s * 10L + i);
                webhooks.add(mapper.map(redactor.redact(body), new WebhookReceipt("0".repeat(64), "t=1,v1=" + "a".repeat(64),
                        "whsec_…0000", Instant.now())).records());
            }
        }
        return webhooks;
    }

    /** Bytes per webhook of its records (keys, values with the 5-byte schema header), before and after lz4. */
    private static void printBytes(List<List<ProducerRecord<String, ? extends SpecificRecord>>> webhooks, RecordSealer sealer, String what) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (List<ProducerRecord<String, ? extends SpecificRecord>> records : webhooks) {
            RecordSealer.Sealing sealing = sealer.seal(records);
            for (ProducerRecord<String, ? extends SpecificRecord> record : sealing.records()) {
                all.writeBytes(record.key().getBytes(StandardCharsets.UTF_8));
                all.writeBytes(new byte[5]);
                all.writeBytes(avro(record.value()));
            }
            sealing.committed();
        }
        byte[] bytes = all.toByteArray();
        LZ4Compressor lz4 = LZ4Factory.safeInstance().fastCompressor();
        long compressed = 0;
        for (int from = 0; from < bytes.length; from += BATCH_BYTES) {
            compressed += lz4.compress(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + BATCH_BYTES))).length;
        }
        System.out.printf("bytes per webhook, %s: %,d before lz4, %,d after lz4 over %d KB batches%n", what,
                bytes.length / webhooks.size(), compressed / webhooks.size(), BATCH_BYTES / 1024);
    }

    private static byte[] avro(SpecificRecord value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>(value.getSchema()).write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
