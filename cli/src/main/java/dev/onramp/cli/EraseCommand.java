package dev.onramp.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onramp.ingest.erasure.SubjectErasure;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.schemas.SessionIds;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code onramp erase cos_...}: what {@code DELETE /v1/sessions/{id}/personal-data} does, from an operator's shell with
 * ingest's Kafka credentials: every data key of each session and its recipient entry, tombstoned. A running ingest
 * that still holds a session's key seals that session's later webhooks with it, so they are unreadable too.
 */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = "Forget the people these sessions belong to: delete their data keys and recipients.")
final class EraseCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "Session ids (cos_...).")
    List<String> sessionIds;
    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        for (String sessionId : sessionIds) {
            if (!SessionIds.isValid(sessionId)) {
                System.err.println("not a session id (cos_ followed by 8 to 64 letters or digits): " + sessionId);
                return 2;
            }
        }
        String transactionalId = kafka.env().string("INGEST_TRANSACTIONAL_ID", "onramp-ingest-" + Env.hostname()) + "-erase";
        try (TransactionalEventWriter writer = new TransactionalEventWriter(kafka.connection().producerConfig(),
                transactionalId, 1, kafka.connection().registryClient(), Duration.ofSeconds(30));
             KafkaKeyStore keys = new KafkaKeyStore(kafka.connection().clientConfig(),
                     new RegistryAvroDeserializer<>(SubjectKey.class, kafka.connection().registryClient()), Duration.ZERO)) {
            SubjectErasure erasure = new SubjectErasure(keys, writer, Duration.ofSeconds(30));
            for (String sessionId : sessionIds) {
                SubjectErasure.Erased erased = erasure.erase(sessionId);
                System.out.printf("%s: %d data keys deleted, recipient removed%n", sessionId, erased.dataKeys());
            }
        }
        return 0;
    }
}
