package dev.onramp.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.onramp.schemas.SessionState;
import dev.onramp.testkit.DevStackExtension;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several service instances starting together register the first schema of a new subject (a Streams changelog)
 * at the same moment; every one of them must get the same id, none an error.
 */
class ConcurrentRegistrationIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    @Test
    void racingFirstRegistrationsAllGetTheSameId() throws Exception {
        Schema schema = SessionState.getClassSchema();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String subject = "race-" + System.nanoTime() + "-changelog-value";
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> ids = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    SchemaRegistryClient client = new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5));
                    ids.add(pool.submit(() -> {
                        start.await();
                        return client.register(subject, schema);
                    }));
                }
                start.countDown();
                Set<Integer> distinct = new HashSet<>();
                for (Future<Integer> id : ids) {
                    distinct.add(id.get());
                }
                assertThat(distinct).as(subject).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
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
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 300; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> ids = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String subject = "shared-" + round + "-" + i + "-" + System.nanoTime() + "-value";
                    ids.add(pool.submit(() -> {
                        start.await();
                        return client.register(subject, schema);
                    }));
                }
                start.countDown();
                for (Future<Integer> id : ids) {
                    assertThat(id.get()).isPositive();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
