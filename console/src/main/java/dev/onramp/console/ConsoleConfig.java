package dev.onramp.console;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.net.TrustedProxies;

/**
 * Everything console reads from the environment, in one place. Each variable, its default and its meaning are documented
 * in docs/configuration.md (the "console" and "All services" sections), which {@code ConfigurationDocTest} checks
 * against what this class reads.
 */
public record ConsoleConfig(String host, int port, AdminKeys adminKeys, int adminKeyCount, TrustedProxies trustedProxies,
                            boolean secureCookie,
                            Duration signInTtl, URI processorUrl, String platformApiKey, Map<String, URI> watched,
                            Duration watchInterval, String transactionalId, KafkaConnection kafka) {
    static final String DEFAULT_WATCH = "ingest=http://127.0.0.1:8090,processor=http://127.0.0.1:8081,notifier=http://127.0.0.1:8082";

    public static ConsoleConfig fromEnv(Env env) {
        List<String> adminKeys = env.rotating("ADMIN_API_KEYS", "ADMIN_API_KEY");
        List<String> platformKeys = env.rotating("PLATFORM_API_KEYS", "PLATFORM_API_KEY");
        if (adminKeys.stream().anyMatch(platformKeys::contains)) {
            throw new IllegalArgumentException("an admin key (ADMIN_API_KEYS) is also a platform key (PLATFORM_API_KEYS): "
                    + "give the console keys of its own, or the platform could redrive");
        }
        return new ConsoleConfig(
                env.string("CONSOLE_HOST", "127.0.0.1"),
                env.integer("CONSOLE_PORT", 8095),
                new AdminKeys(adminKeys),
                adminKeys.size(),
                TrustedProxies.fromEnv(env),
                env.flag("CONSOLE_SECURE_COOKIE", true),
                env.duration("CONSOLE_SIGN_IN_TTL", Duration.ofHours(8)),
                URI.create(env.string("PROCESSOR_URL", "http://127.0.0.1:8081")),
                platformKeys.get(0),
                watched(env.string("CONSOLE_WATCH", DEFAULT_WATCH)),
                env.duration("CONSOLE_WATCH_INTERVAL", Duration.ofSeconds(10)),
                env.string("CONSOLE_TRANSACTIONAL_ID", "onramp-console"),
                KafkaConnection.fromEnv(env.values()));
    }

    static Map<String, URI> watched(String spec) {
        Map<String, URI> services = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String[] nameAndUrl = entry.trim().split("=", 2);
            if (nameAndUrl.length != 2 || nameAndUrl[0].isBlank()) {
                throw new IllegalArgumentException("CONSOLE_WATCH must be name=url pairs separated by commas, not '" + entry + "'");
            }
            services.put(nameAndUrl[0].trim(), URI.create(nameAndUrl[1].trim().replaceAll("/+$", "")));
        }
        return services;
    }

    /** Keys are never printed. */
    @Override
    public String toString() {
        return "ConsoleConfig[http://" + host + ":" + port + ", " + adminKeyCount + " admin key(s), secureCookie=" + secureCookie
                + ", processor=" + processorUrl + ", watching " + watched.keySet() + " every " + watchInterval + ", " + kafka + "]";
    }
}
