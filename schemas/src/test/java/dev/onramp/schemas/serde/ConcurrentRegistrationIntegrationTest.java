package dev.onramp.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.onramp.schemas.SessionState;
import dev.onramp.testkit.DevStackExtension;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several service instances starting together register the first schema of a new subject (a Streams changelog)
 * at the same moment; every one of them must get the same id, none an error. And the threads of one instance, sharing
 * its client, each get an answer.
 */
class ConcurrentRegistrationIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final int INSTANCES = 8;
    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(INSTANCES);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void racingFirstRegistrationsAllGetTheSameId() throws Exception {
        Schema schema = SessionState.getClassSchema();
        for (int round = 0; round < 10; round++) {
            String subject = "race-" + System.nanoTime() + "-changelog-value";
            List<Callable<Integer>> registrations = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                SchemaRegistryClient client = new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5));
                registrations.add(() -> client.register(subject, schema));
            }
            assertThat(new HashSet<>(atOnce(registrations))).as(subject).hasSize(1);
        }
    }

    /**
     * Every instance of a deployment sets each subject's compatibility as it starts; started together, they set the
     * same subject's at the same moment, and Apicurio answers all but one 409 ("A rule named 'COMPATIBILITY' already
     * exists"). That is the outcome each wanted: none may fail.
     */
    @Test
    void racingCompatibilitySettingsAllSucceed() throws Exception {
        for (int round = 0; round < 20; round++) {
            String subject = "race-config-" + System.nanoTime() + "-value";
            List<Callable<Integer>> settings = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                SchemaRegistryClient client = new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5));
                settings.add(() -> {
                    client.setCompatibility(subject, "FULL_TRANSITIVE");
                    return 1;
                });
            }
            assertThat(atOnce(settings)).as(subject).hasSize(INSTANCES);
            assertThat(new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5)).compatibility(subject))
                    .isEqualTo("FULL_TRANSITIVE");
        }
    }

    /**
     * One client shared by a producer's serializers (as in {@code onramp replay}, which writes three topics at once)
     * keeps registering new subjects from several threads. Over HTTP/2, the JDK client's default (upgraded in clear
     * text), Apicurio's server now and then never finished reading a request's body, and the call timed out.
     */
    @Test
    void oneSharedClientGetsEveryAnswer() throws Exception {
        Schema schema = SessionState.getClassSchema();
        SchemaRegistryClient client = new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5));
        for (int round = 0; round < 300; round++) {
            List<Callable<Integer>> registrations = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                String subject = "shared-" + round + "-" + i + "-" + System.nanoTime() + "-value";
                registrations.add(() -> client.register(subject, schema));
            }
            assertThat(atOnce(registrations)).hasSize(INSTANCES).allSatisfy(id -> assertThat(id).isPositive());
        }
    }

    /** Runs the calls on the pool, all released at the same moment, and returns their results in order. */
    private static List<Integer> atOnce(List<Callable<Integer>> calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> pending = new ArrayList<>();
        for (Callable<Integer> call : calls) {
            pending.add(pool.submit(() -> {
                start.await();
                return call.call();
            }));
        }
        start.countDown();
        List<Integer> results = new ArrayList<>();
        for (Future<Integer> result : pending) {
            results.add(result.get());
        }
        return results;
    }
}
