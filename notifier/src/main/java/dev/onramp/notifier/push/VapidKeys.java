package dev.onramp.notifier.push;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.util.Arrays;
import java.util.Base64;

import com.zerodeplibs.webpush.VAPIDKeyPair;
import com.zerodeplibs.webpush.VAPIDKeyPairs;
import com.zerodeplibs.webpush.key.PrivateKeySources;
import com.zerodeplibs.webpush.key.PublicKeySources;

/**
 * The application server's VAPID key pair (RFC 8292), in the form every Web Push tool exchanges it: base64url of
 * the uncompressed P-256 public point (65 bytes; the page passes it to {@code pushManager.subscribe}) and of the
 * private scalar (32 bytes). {@code subject} is the {@code mailto:} or {@code https:} contact push services see.
 */
public record VapidKeys(String publicKey, VAPIDKeyPair pair, String subject) {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    /** A freshly generated pair, for {@code onramp dev}'s secrets file. */
    public record Generated(String publicKey, String privateKey) {
        @Override
        public String toString() {
            return "VapidKeys.Generated[publicKey=" + publicKey + ", privateKey=(hidden)]";
        }
    }

    @Override
    public String toString() {
        return "VapidKeys[publicKey=" + publicKey + ", subject=" + subject + "]";
    }

    public static VapidKeys of(String publicKey, String privateKey, String subject) {
        if (subject == null || !(subject.startsWith("mailto:") || subject.startsWith("https://"))) {
            throw new IllegalArgumentException("VAPID_SUBJECT must be a mailto: or https: URL (push services use it to reach you)");
        }
        try {
            byte[] point = Base64.getUrlDecoder().decode(publicKey.trim());
            byte[] scalar = Base64.getUrlDecoder().decode(privateKey.trim());
            if (point.length != 65 || point[0] != 4 || scalar.length != 32) {
                throw new IllegalArgumentException("VAPID_PUBLIC_KEY must be 65 bytes (uncompressed P-256 point) and"
                        + " VAPID_PRIVATE_KEY 32 bytes, each base64url");
            }
            ECPrivateKey privateEc = (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), p256()));
            VAPIDKeyPair pair = VAPIDKeyPairs.of(PrivateKeySources.ofECPrivateKey(privateEc), PublicKeySources.ofUncompressedBytes(point));
            return new VapidKeys(B64URL.encodeToString(point), pair, subject);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("VAPID keys are not a valid P-256 pair: " + e.getMessage(), e);
        }
    }

    public static Generated generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            ECPublicKey pub = (ECPublicKey) pair.getPublic();
            byte[] point = new byte[65];
            point[0] = 4;
            System.arraycopy(fixed32(pub.getW().getAffineX()), 0, point, 1, 32);
            System.arraycopy(fixed32(pub.getW().getAffineY()), 0, point, 33, 32);
            byte[] scalar = fixed32(((ECPrivateKey) pair.getPrivate()).getS());
            return new Generated(B64URL.encodeToString(point), B64URL.encodeToString(scalar));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has P-256", e);
        }
    }

    private static ECParameterSpec p256() throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }

    private static byte[] fixed32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length == 32) {
            return bytes;
        }
        byte[] out = new byte[32];
        int copy = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        Arrays.fill(out, 0, 32 - copy, (byte) 0);
        return out;
    }
}
