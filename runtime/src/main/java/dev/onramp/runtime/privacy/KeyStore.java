package dev.onramp.runtime.privacy;

import java.util.Optional;

/**
 * Where data keys are found to open sealed fields. {@link KafkaKeyStore} reads them from the compacted
 * {@code onramp.subject-keys.v1}; a KMS can implement the same lookup.
 */
public interface KeyStore {
    /** The key, or empty when it never existed or was erased. */
    Optional<DataKey> find(String keyId);
}
