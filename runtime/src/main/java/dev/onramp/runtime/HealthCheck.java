package dev.onramp.runtime;

import java.time.Duration;
import java.util.function.LongSupplier;

/** One dependency that must answer before the service calls itself ready. */
public interface HealthCheck {
    String name();

    /**
     * Throws, with a reason, when the dependency does not answer; throws {@link Degraded} when the service works
     * but not as it should, which health reports without taking the service out of rotation.
     */
    void check() throws Exception;

    /** Working, but not well: reported as DEGRADED with the reason, still ready (200). */
    final class Degraded extends Exception {
        public Degraded(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A check that does what {@code probe} does. */
    static HealthCheck of(String name, Probe probe) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void check() throws Exception {
                probe.run();
            }
        };
    }

    /**
     * This check's answer, asked of the dependency at most once per {@code ttl} however often health is polled: a
     * flood of health calls must not become a flood of Kafka or registry calls.
     */
    default HealthCheck cached(Duration ttl) {
        return cached(ttl, System::nanoTime);
    }

    /** As {@link #cached(Duration)}, on the given clock. */
    default HealthCheck cached(Duration ttl, LongSupplier nanos) {
        HealthCheck inner = this;
        return new HealthCheck() {
            private long askedAt;
            private boolean asked;
            private Exception failure;

            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public synchronized void check() throws Exception {
                long now = nanos.getAsLong();
                if (!asked || now - askedAt >= ttl.toNanos()) {
                    try {
                        inner.check();
                        failure = null;
                    } catch (Exception e) {
                        failure = e;
                    }
                    askedAt = now;
                    asked = true;
                }
                if (failure != null) {
                    throw failure;
                }
            }
        };
    }

    /**
     * Passes while this check has passed within {@code grace}: for a dependency whose short absence does not stop the
     * service (ingest's writes go on with the schema ids it holds while the registry blips). Fails until it passed once.
     */
    default HealthCheck toleratingFailuresFor(Duration grace, LongSupplier nanos) {
        HealthCheck inner = this;
        return new HealthCheck() {
            private long lastPassed;
            private boolean passed;

            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public synchronized void check() throws Exception {
                try {
                    inner.check();
                    lastPassed = nanos.getAsLong();
                    passed = true;
                } catch (Exception e) {
                    if (!passed || nanos.getAsLong() - lastPassed > grace.toNanos()) {
                        throw e;
                    }
                }
            }
        };
    }

    /** The body of a check: returns when the dependency answers, throws otherwise. */
    @FunctionalInterface
    interface Probe {
        void run() throws Exception;
    }
}
