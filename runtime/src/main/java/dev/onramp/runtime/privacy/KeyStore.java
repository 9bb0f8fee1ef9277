package dev.onramp.runtime.privacy;

import java.util.Optional;

/**
 * Where data keys are found to open sealed fields. {@link KafkaKeyStore} reads them from the compacted
 * {@code onramp.subject-keys.v1}; a KMS can implement the same lookup.
 */
public interface KeyStore {
    /** The key, or empty when it never existed or was erased. */
    Optional<DataKey> find(String keyId);

    /**
     * A key of the subject's to seal more of their data with (the notifier's records); empty when they have none: never
     * sealed, or erased. A store that only opens answers empty.
     */
    default Optional<DataKey> keyOf(String subject) {
        return Optional.empty();
    }
}
