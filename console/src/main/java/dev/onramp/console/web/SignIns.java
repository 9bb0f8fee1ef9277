package dev.onramp.console.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who is signed in: a random id in an HttpOnly, SameSite=Strict cookie maps to the admin key's id and a CSRF token
 * for the forms. Kept in memory: a restart signs everyone out, which for an operator's console is a feature.
 */
final class SignIns {
    static final int MAX_SIGN_INS = 1_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    record SignIn(String id, String keyId, String csrf, Instant expiresAt) {
        boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Duration ttl;
    private final Clock clock;
    private final Map<String, SignIn> byId = new LinkedHashMap<>();

    SignIns(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    synchronized SignIn start(String keyId) {
        if (byId.size() >= MAX_SIGN_INS) {
            byId.remove(byId.keySet().iterator().next());
        }
        SignIn signIn = new SignIn(token(), keyId, token(), clock.instant().plus(ttl));
        byId.put(signIn.id(), signIn);
        return signIn;
    }

    synchronized Optional<SignIn> find(String id) {
        SignIn signIn = id == null ? null : byId.get(id);
        if (signIn != null && !clock.instant().isBefore(signIn.expiresAt())) {
            byId.remove(id);
            return Optional.empty();
        }
        return Optional.ofNullable(signIn);
    }

    synchronized void end(String id) {
        byId.remove(id);
    }

    Duration ttl() {
        return ttl;
    }

    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
