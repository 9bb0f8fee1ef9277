package dev.onramp.schemas;

import java.util.regex.Pattern;

/**
 * What a Stripe onramp session id looks like ({@code cos_} and 8 to 64 letters or digits): the key of every topic.
 * Every endpoint that takes one from a client checks it here before it reaches a store, a topic or a log.
 */
public final class SessionIds {
    private static final Pattern SESSION_ID = Pattern.compile("cos_[A-Za-z0-9]{8,64}");

    private SessionIds() {
    }

    public static boolean isValid(String sessionId) {
        return sessionId != null && SESSION_ID.matcher(sessionId).matches();
    }
}
