package dev.onramp.testkit.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;

/**
 * A self-signed certificate for 127.0.0.1, as PEM files a server such as nginx reads (made with Debian's
 * {@code openssl}), or as a PKCS12 keystore a JVM server reads (made with the JDK's {@code keytool}); and the PKCS12
 * truststore a Java client trusts it through.
 */
public record TestCertificate(Path certificatePem, Path privateKeyPem, Path truststore, String truststorePassword) {

    /** A PKCS12 keystore and a truststore of its certificate, made with the JDK alone, both under one password. */
    public record JdkKeystore(Path keystore, Path truststore, String password) {
    }

    /** A key pair and self-signed certificate for 127.0.0.1 named {@code commonName}, by {@code keytool}. */
    public static JdkKeystore jdkKeystore(Path dir, String commonName) {
        Path keystore = dir.resolve(commonName + "-keystore.p12");
        Path cert = dir.resolve(commonName + "-cert.pem");
        String password = "keystore-password";
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Commands.run(List.of(keytool, "-genkeypair", "-alias", commonName, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + commonName, "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password));
        Commands.run(List.of(keytool, "-exportcert", "-rfc", "-alias", commonName, "-keystore", keystore.toString(),
                "-storepass", password, "-file", cert.toString()));
        Path truststore = dir.resolve(commonName + "-truststore.p12");
        trustOnly(cert, truststore, password);
        return new JdkKeystore(keystore, truststore, password);
    }

    private static void trustOnly(Path cert, Path truststore, String password) {
        try (InputStream in = Files.newInputStream(cert); OutputStream out = Files.newOutputStream(truststore)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("test-ca", certificate);
            store.store(out, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not make a truststore of " + cert, e);
        }
    }

    public static TestCertificate create(Path dir) {
        return create(dir, "127.0.0.1");
    }

    /** The same with this common name (a Kafka node's principal is its certificate's CN). */
    public static TestCertificate create(Path dir, String commonName) {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Commands.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + commonName,
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString()));
        Path truststore = dir.resolve("truststore.p12");
        String password = "truststore-password";
        trustOnly(cert, truststore, password);
        return new TestCertificate(cert, key, truststore, password);
    }
}
