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
 * A self-signed certificate for 127.0.0.1, made with the {@code openssl} command (Debian's), as PEM files a server
 * such as nginx reads, and the PKCS12 truststore a Java client trusts it through.
 */
public record TestCertificate(Path certificatePem, Path privateKeyPem, Path truststore, String truststorePassword) {

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
        try (InputStream in = Files.newInputStream(cert); OutputStream out = Files.newOutputStream(truststore)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("test-ca", certificate);
            store.store(out, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not make a truststore of " + cert, e);
        }
        return new TestCertificate(cert, key, truststore, password);
    }
}
