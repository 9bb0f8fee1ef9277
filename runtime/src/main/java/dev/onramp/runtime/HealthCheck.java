package dev.onramp.runtime;

/** One dependency that must answer before the service calls itself ready. */
public interface HealthCheck {
    String name();

    /** Throws, with a reason, when the dependency does not answer. */
    void check() throws Exception;

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

    /** The body of a check: returns when the dependency answers, throws otherwise. */
    @FunctionalInterface
    interface Probe {
        void run() throws Exception;
    }
}
