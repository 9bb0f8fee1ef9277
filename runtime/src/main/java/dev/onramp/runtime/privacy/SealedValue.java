package dev.onramp.runtime.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One field's value sealed with AES-256-GCM, written where the plain string was: {@code sealed:v1:<key id>:<base64url
 * of nonce and ciphertext>}. It stays a string, so the contracts do not change and a reader without the key sees a
 * sealed string instead of failing.
 *
 * <p>The nonce is synthetic: an HMAC of the plaintext under the key. The same value sealed twice with one key gives
 * the same string, so the session state machine still sees a repeated detail as unchanged, and a nonce repeats only
 * with its plaintext. What that lets a reader without the key learn is that two sealed values of one key are equal.
 * The key id is the associated data: a value cannot be moved under another key.
 */
public final class SealedValue {
    public static final String PREFIX = "sealed:v1:";
    /** What a reader shows where a value's key is gone. */
    public static final String ERASED = "[erased]";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    /** Looking a cipher up costs more than sealing a short value with it: each thread keeps its own, initialised per use. */
    private static final ThreadLocal<Cipher> AES_GCM = ThreadLocal.withInitial(() -> instance(() -> Cipher.getInstance("AES/GCM/NoPadding")));
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> instance(() -> Mac.getInstance("HmacSHA256")));

    private SealedValue() {
    }

    public static String seal(DataKey key, String plaintext) {
        byte[] plain = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] secret = key.secret();
        try {
            Mac mac = HMAC.get();
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] nonce = Arrays.copyOf(mac.doFinal(plain), NONCE_BYTES);
            Cipher cipher = encrypting(new SecretKeySpec(secret, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(key.keyId().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            ByteBuffer out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
            return PREFIX + key.keyId() + ":" + ENCODER.encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private interface Lookup<T> {
        T get() throws GeneralSecurityException;
    }

    private static <T> T instance(Lookup<T> lookup) {
        try {
            return lookup.get();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM or HMAC-SHA256 is not available", e);
        }
    }

    /**
     * The thread's cipher set to encrypt; a new one when the same value was just sealed with the same key (the same
     * nonce, by design), which a GCM cipher refuses to encrypt twice in a row.
     */
    private static Cipher encrypting(SecretKeySpec key, GCMParameterSpec nonce) throws GeneralSecurityException {
        Cipher cipher = AES_GCM.get();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce);
        } catch (InvalidAlgorithmParameterException sameNonceAsLastTime) {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce);
            AES_GCM.set(cipher);
        }
        return cipher;
    }

    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The key id a sealed value names; empty for a value in clear. */
    public static Optional<String> keyIdOf(String value) {
        if (!isSealed(value)) {
            return Optional.empty();
        }
        int end = value.indexOf(':', PREFIX.length());
        return end < 0 ? Optional.empty() : Optional.of(value.substring(PREFIX.length(), end));
    }

    /**
     * The plaintext.
     *
     * @throws IllegalArgumentException when the value was not sealed with this key, or was altered
     */
    public static String open(DataKey key, String sealed) {
        String keyId = keyIdOf(sealed).orElseThrow(() -> new IllegalArgumentException("not a sealed value"));
        if (!keyId.equals(key.keyId())) {
            throw new IllegalArgumentException("sealed with key " + keyId + ", not " + key.keyId());
        }
        try {
            byte[] bytes = DECODER.decode(sealed.substring(PREFIX.length() + keyId.length() + 1));
            Cipher cipher = AES_GCM.get();
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.secret(), "AES"),
                    new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("sealed value " + keyId + " does not open: " + e.getClass().getSimpleName(), e);
        }
    }
}
