package dev.onramp.schemas.serde;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How the registry client proves who it is: nothing (a registry on a trusted network, as in development), HTTP basic
 * (Confluent's {@code basic.auth.user.info}, what an authenticating proxy or Confluent's registry checks), or a bearer
 * token (an OAuth access token, as Apicurio's OIDC auth takes). Never printed.
 */
public sealed interface RegistryCredentials {
    /** The {@code Authorization} header value, if any. */
    Optional<String> authorization();

    record None() implements RegistryCredentials {
        @Override
        public Optional<String> authorization() {
            return Optional.empty();
        }
    }

    record Basic(String userInfo) implements RegistryCredentials {
        public Basic {
            if (userInfo.indexOf(':') <= 0) {
                throw new IllegalArgumentException("registry basic credentials must be user:password");
            }
        }

        @Override
        public Optional<String> authorization() {
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return "Basic[user=" + userInfo.substring(0, userInfo.indexOf(':')) + "]";
        }
    }

    record Bearer(String token) implements RegistryCredentials {
        @Override
        public Optional<String> authorization() {
            return Optional.of("Bearer " + token);
        }

        @Override
        public String toString() {
            return "Bearer[***]";
        }
    }
}
