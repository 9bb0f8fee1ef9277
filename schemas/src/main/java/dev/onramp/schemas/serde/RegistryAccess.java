package dev.onramp.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Everything a client needs to reach the schema registry: its URL, its credentials, the certificates it trusts
 * beyond the JDK's (a PKCS12 truststore, for a registry behind a private CA), and the subjects it must not register
 * under. Services in production ({@code ONRAMP_CONTRACTS=verify}) register no contract (the deploy step does); a
 * Streams app still registers the subjects of its own internal topics, which are named after its application id.
 *
 * @param lookupOnly subjects under which {@link SchemaRegistryClient#register} only looks the schema up
 */
public record RegistryAccess(String url, RegistryCredentials credentials, Optional<Path> truststore, String truststorePassword,
                             Duration timeout, Set<String> lookupOnly) {
    public RegistryAccess {
        lookupOnly = Set.copyOf(lookupOnly);
    }

    public static RegistryAccess plain(String url, Duration timeout) {
        return new RegistryAccess(url, new RegistryCredentials.None(), Optional.empty(), "", timeout, Set.of());
    }

    /** The same access, allowed to register schemas. */
    public RegistryAccess registering() {
        return new RegistryAccess(url, credentials, truststore, truststorePassword, timeout, Set.of());
    }

    /** The TLS context for {@code https} URLs: the truststore's certificates, or the JDK's when none is given. */
    SSLContext sslContext() {
        try {
            if (truststore.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(truststore.get())) {
                store.load(in, truststorePassword.toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the registry truststore " + truststore.orElse(null) + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "RegistryAccess[url=" + url + ", credentials=" + credentials + ", truststore=" + truststore.orElse(null)
                + ", lookupOnly=" + lookupOnly.size() + " subjects]";
    }
}
