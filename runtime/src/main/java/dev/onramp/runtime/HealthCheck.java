package dev.onramp.runtime;

/** One dependency that must answer before the service calls itself ready. */
public interface HealthCheck {
    String name();

    /** Throws, with a reason, when the dependency does not answer. */
    void check() throws Exception;
}
