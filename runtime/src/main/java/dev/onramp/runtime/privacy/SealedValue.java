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

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * One field's value sealed with AES-256-GCM, written where the plain string was: {@code sealed:<form>:<key id>:<base64url
 * of nonce and ciphertext>}. It stays a string, so the contracts do not change and a reader without the key sees a
 * sealed string instead of failing. Two forms: {@code v1} seals the value's UTF-8 bytes; {@code v2}, for long values
 * (a webhook's body), seals them LZ4-compressed behind their length, since ciphertext is what the topics' own
 * compression can no longer shrink.
 *
 * <p>The nonce is synthetic: an HMAC of what is encrypted, under the key. The same value sealed twice with one key
 * gives the same string, so the session state machine still sees a repeated detail as unchanged, and a nonce repeats
 * only with its plaintext. What that lets a reader without the key learn is that two sealed values of one key are
 * equal. The form and key id are the associated data: a value cannot be moved under another key or read as the other
 * form.
 */
public final class SealedValue {
    /** What every sealed value starts with. */
    public static final String PREFIX = "sealed:";
    /** What a reader shows where a value's key is gone. */
    public static final String ERASED = "[erased]";
    private static final String PLAIN = "v1";
    private static final String COMPRESSED = "v2";
    /** Shorter values gain too little from compression to pay for it. */
    private static final int COMPRESS_FROM = 256;
    /** An opened v2 value is at most this long: the topics' 1 MiB messages hold far less. */
    private static final int MAX_OPENED_BYTES = 16 << 20;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    /** Kafka's own LZ4, in its pure-Java form: the same bytes on every machine, so sealing stays deterministic. */
    private static final LZ4Compressor LZ4 = LZ4Factory.safeInstance().fastCompressor();
    private static final LZ4SafeDecompressor UNLZ4 = LZ4Factory.safeInstance().safeDecompressor();
    /** Looking a cipher up costs more than sealing a short value with it: each thread keeps its own, initialised per use. */
    private static final ThreadLocal<Cipher> AES_GCM = ThreadLocal.withInitial(() -> instance(() -> Cipher.getInstance("AES/GCM/NoPadding")));
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> instance(() -> Mac.getInstance("HmacSHA256")));

    private SealedValue() {
    }

    public static String seal(DataKey key, String plaintext) {
        byte[] plain = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] compressed = plain.length >= COMPRESS_FROM ? compressed(plain) : null;
        String form = compressed != null ? COMPRESSED : PLAIN;
        byte[] encrypted = compressed != null ? compressed : plain;
        byte[] secret = key.secret();
        try {
            Mac mac = HMAC.get();
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] nonce = Arrays.copyOf(mac.doFinal(encrypted), NONCE_BYTES);
            Cipher cipher = encrypting(new SecretKeySpec(secret, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(form, key.keyId()));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + cipher.getOutputSize(encrypted.length));
            cipher.doFinal(encrypted, 0, encrypted.length, out, NONCE_BYTES);
            return PREFIX + form + ":" + key.keyId() + ":" + ENCODER.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The value's length and its LZ4 block; null when that is not shorter than the value. */
    private static byte[] compressed(byte[] plain) {
        byte[] out = new byte[Integer.BYTES + LZ4.maxCompressedLength(plain.length)];
        ByteBuffer.wrap(out).putInt(plain.length);
        int length = Integer.BYTES + LZ4.compress(plain, 0, plain.length, out, Integer.BYTES);
        return length < plain.length ? Arrays.copyOf(out, length) : null;
    }

    private static byte[] decompressed(byte[] packed) {
        int length = ByteBuffer.wrap(packed).getInt();
        if (length < 0 || length > MAX_OPENED_BYTES) {
            throw new IllegalArgumentException("a compressed value of " + length + " bytes");
        }
        byte[] plain = new byte[length];
        int read = UNLZ4.decompress(packed, Integer.BYTES, packed.length - Integer.BYTES, plain, 0, length);
        if (read != length) {
            throw new IllegalArgumentException("a compressed value of " + read + " bytes, not " + length);
        }
        return plain;
    }

    private static byte[] associatedData(String form, String keyId) {
        // v1's associated data is the key id alone, as it was before there was a second form.
        return (form.equals(PLAIN) ? keyId : form + ":" + keyId).getBytes(StandardCharsets.UTF_8);
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
        return value != null && (value.startsWith(PREFIX + PLAIN + ":") || value.startsWith(PREFIX + COMPRESSED + ":"));
    }

    /** The key id a sealed value names; empty for a value in clear. */
    public static Optional<String> keyIdOf(String value) {
        if (!isSealed(value)) {
            return Optional.empty();
        }
        int from = PREFIX.length() + PLAIN.length() + 1;
        int end = value.indexOf(':', from);
        return end < 0 ? Optional.empty() : Optional.of(value.substring(from, end));
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
        String form = sealed.substring(PREFIX.length(), PREFIX.length() + PLAIN.length());
        try {
            byte[] bytes = DECODER.decode(sealed.substring(PREFIX.length() + form.length() + 1 + keyId.length() + 1));
            Cipher cipher = AES_GCM.get();
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.secret(), "AES"),
                    new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(form, keyId));
            byte[] opened = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new String(form.equals(COMPRESSED) ? decompressed(opened) : opened, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException | LZ4Exception e) {
            throw new IllegalArgumentException("sealed value " + keyId + " does not open: " + e.getClass().getSimpleName(), e);
        }
    }
}
