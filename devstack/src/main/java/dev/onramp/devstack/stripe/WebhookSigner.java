package dev.onramp.devstack.stripe;

import java.security.GeneralSecurityException;

import com.stripe.net.Webhook;

/** Signs bodies the way Stripe does (HMAC-SHA256 of {@code "{t}.{body}"}, through stripe-java), for tests and the simulator. */
public final class WebhookSigner {
    private WebhookSigner() {
    }

    public static String v1(String secret, long timestamp, String body) {
        try {
            return Webhook.Util.computeHmacSha256(secret, timestamp + "." + body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code t=<timestamp>,v1=<hmac>}: what Stripe sends for one endpoint secret. */
    public static String header(String secret, long timestamp, String body) {
        return "t=" + timestamp + ",v1=" + v1(secret, timestamp, body);
    }
}
