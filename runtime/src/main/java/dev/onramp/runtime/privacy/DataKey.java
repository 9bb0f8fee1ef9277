package dev.onramp.runtime.privacy;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A subject's data key: 256 random bits that seal their personal and pseudonymous fields. Deleting it is the erasure:
 * every copy of what it sealed, wherever it went, becomes unreadable.
 *
 * @param keyId   random and public: each sealed value names it
 * @param subject whose data it seals (a session id; for an event naming no session, its event id)
 * @param secret  the AES key; never logged ({@link #toString()} leaves it out)
 */
public record DataKey(String keyId, String subject, byte[] secret) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BYTES = 32;
    private static final int ID_BYTES = 12;

    public DataKey {
        if (secret.length != KEY_BYTES) {
            throw new IllegalArgumentException("a data key has " + KEY_BYTES + " bytes, not " + secret.length);
        }
        if (keyId.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a key id has no ':'");
        }
        secret = secret.clone();
    }

    /** A new key for {@code subject}, with a random id. */
    public static DataKey generate(String subject) {
        // One draw: each is a system call under the generator's lock, which every request thread shares.
        byte[] random = new byte[ID_BYTES + KEY_BYTES];
        RANDOM.nextBytes(random);
        byte[] secret = Arrays.copyOfRange(random, ID_BYTES, random.length);
        Arrays.fill(random, ID_BYTES, random.length, (byte) 0);
        return new DataKey(Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(random, ID_BYTES)), subject, secret);
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataKey k && k.keyId.equals(keyId) && k.subject.equals(subject) && Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "DataKey[" + keyId + " of " + subject + "]";
    }
}
