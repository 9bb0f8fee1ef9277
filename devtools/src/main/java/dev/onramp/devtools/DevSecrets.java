package dev.onramp.devtools;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import dev.onramp.notifier.push.VapidKeys;

/**
 * The local stack's secrets (Stripe's webhook secret, the platform API key, the VAPID key pair, the platform
 * webhook secret, the unsubscribe-link secret, the console's admin key): taken from the environment when set, otherwise
 * generated once and kept (owner-readable only) under the data directory, so a restart keeps working with
 * whatever was configured against it (a simulator, {@code stripe listen}, a platform backend).
 */
record DevSecrets(String webhookSecret, String platformApiKey, String vapidPublicKey, String vapidPrivateKey,
                  String platformWebhookSecret, String unsubscribeSecret, String adminApiKey) {

    static DevSecrets loadOrCreate(Path dataDir, Map<String, String> env) {
        Path file = dataDir.resolve("dev-secrets.properties");
        Properties stored = new Properties();
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) {
                try (Reader in = Files.newBufferedReader(file)) {
                    stored.load(in);
                }
            }
            boolean changed = generateMissing(stored, "webhook.secret", () -> "whsec_" + random(24));
            changed |= generateMissing(stored, "platform.api.key", () -> "dev_" + random(24));
            if (stored.getProperty("vapid.private.key") == null) {
                VapidKeys.Generated vapid = VapidKeys.generate();
                stored.setProperty("vapid.public.key", vapid.publicKey());
                stored.setProperty("vapid.private.key", vapid.privateKey());
                changed = true;
            }
            // Standard Webhooks secrets are whsec_ + base64 of the key bytes.
            changed |= generateMissing(stored, "platform.webhook.secret", () -> {
                byte[] key = new byte[24];
                new SecureRandom().nextBytes(key);
                return "whsec_" + Base64.getEncoder().encodeToString(key);
            });
            changed |= generateMissing(stored, "unsubscribe.secret", () -> random(24));
            changed |= generateMissing(stored, "admin.api.key", () -> "adm_" + random(24));
            if (changed) {
                // Owner-only from its first byte: written to a file created 0600, then moved into place.
                Path next = dataDir.resolve("dev-secrets.properties.new");
                Files.deleteIfExists(next);
                try {
                    Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException notPosix) {
                    Files.createFile(next);
                }
                try (Writer out = Files.newBufferedWriter(next)) {
                    stored.store(out, "onramp dev: generated local secrets; delete this file to get new ones");
                }
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String secrets = env.getOrDefault("STRIPE_WEBHOOK_SECRETS", stored.getProperty("webhook.secret"));
        return new DevSecrets(secrets, env.getOrDefault("PLATFORM_API_KEY", stored.getProperty("platform.api.key")),
                env.getOrDefault("VAPID_PUBLIC_KEY", stored.getProperty("vapid.public.key")),
                env.getOrDefault("VAPID_PRIVATE_KEY", stored.getProperty("vapid.private.key")),
                env.getOrDefault("PLATFORM_WEBHOOK_SECRETS", stored.getProperty("platform.webhook.secret")),
                env.getOrDefault("UNSUBSCRIBE_SECRETS", stored.getProperty("unsubscribe.secret")),
                env.getOrDefault("ADMIN_API_KEY", stored.getProperty("admin.api.key")));
    }

    @Override
    public String toString() {
        return "DevSecrets[webhookSecret=***, platformApiKey=***, vapidPublicKey=" + vapidPublicKey
                + ", vapidPrivateKey=***, platformWebhookSecret=***, unsubscribeSecret=***, adminApiKey=***]";
    }

    private static boolean generateMissing(Properties stored, String name, Supplier<String> generator) {
        if (stored.getProperty(name) != null) {
            return false;
        }
        stored.setProperty(name, generator.get());
        return true;
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return HexFormat.of().formatHex(value);
    }
}
