package dev.onramp.ingest.mint;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource;
import com.stripe.net.FormEncoder;
import com.stripe.net.RawRequestOptions;
import com.stripe.net.StripeResponse;

/**
 * Stripe's crypto onramp session endpoints, through stripe-java's raw-request API (its typed models do not cover the
 * onramp, a beta product). stripe-java brings what a client of Stripe needs: the form encoding of nested parameters,
 * the {@code Idempotency-Key} header, and retries of what Stripe marks retryable with backoff (kept few: the
 * platform is waiting). Every answer is an {@link Answer}; nothing throws.
 */
public final class StripeOnramp {
    private static final String PATH = "/v1/crypto/onramp_sessions";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What Stripe said. */
    public sealed interface Answer {
        /** The session object, as JSON. */
        record Session(JsonNode session, String body) implements Answer {
        }

        /** Stripe refused the request: the caller's problem or ours, said in Stripe's words. */
        record Refused(int status, String type, String code, String param, String message) implements Answer {
        }

        /** No answer, or a 5xx, after stripe-java's retries. */
        record Unavailable(int status, String reason) implements Answer {
        }
    }

    private final StripeClient client;
    private final String apiBase;
    private final Duration timeout;

    public StripeOnramp(String apiBase, String apiKey, Duration timeout) {
        this.client = new StripeClient(apiKey);
        this.apiBase = apiBase.replaceAll("/+$", "");
        this.timeout = timeout;
    }

    public Answer create(Map<String, Object> form, String idempotencyKey) {
        return call(ApiResource.RequestMethod.POST, PATH, FormEncoder.createQueryString(form), idempotencyKey);
    }

    public Answer retrieve(String sessionId) {
        return call(ApiResource.RequestMethod.GET, PATH + "/" + sessionId, null, null);
    }

    /** A page of sessions created at or after {@code createdGte} (epoch seconds), newest first, as Stripe lists. */
    public Answer list(long createdGte, String startingAfter, int limit) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("limit", limit);
        query.put("created", Map.of("gte", createdGte));
        if (startingAfter != null) {
            query.put("starting_after", startingAfter);
        }
        return call(ApiResource.RequestMethod.GET, PATH + "?" + FormEncoder.createQueryString(query), null, null);
    }

    /**
     * stripe-java retries what Stripe marks retryable ({@code Stripe-Should-Retry}, 409, 5xx); a rate limit (429)
     * it leaves to the caller, so it is tried twice more here, after 0.5 s and 1 s: short, because someone waits.
     */
    private Answer call(ApiResource.RequestMethod method, String path, String content, String idempotencyKey) {
        Answer answer = once(method, path, content, idempotencyKey);
        for (long pause = 500; answer instanceof Answer.Refused refused && refused.status() == 429 && pause <= 1_000; pause *= 2) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answer;
            }
            answer = once(method, path, content, idempotencyKey);
        }
        return answer;
    }

    private Answer once(ApiResource.RequestMethod method, String path, String content, String idempotencyKey) {
        RawRequestOptions.RawRequestOptionsBuilder options = RawRequestOptions.builder()
                .setBaseUrl(apiBase)
                .setConnectTimeout((int) timeout.toMillis())
                .setReadTimeout((int) timeout.toMillis())
                .setMaxNetworkRetries(2);
        if (idempotencyKey != null) {
            options.setIdempotencyKey(idempotencyKey);
        }
        try {
            StripeResponse response = client.rawRequest(method, path, content == null ? "" : content, options.build());
            return new Answer.Session(JSON.readTree(response.body()), response.body());
        } catch (ApiConnectionException e) {
            return new Answer.Unavailable(0, "Stripe did not answer within " + timeout.toSeconds() + " s: " + e.getClass().getSimpleName());
        } catch (StripeException e) {
            int status = e.getStatusCode() == null ? 0 : e.getStatusCode();
            if (status >= 500 || status == 0) {
                return new Answer.Unavailable(status, "Stripe answered " + status);
            }
            var error = e.getStripeError();
            return new Answer.Refused(status, error == null ? "api_error" : error.getType(), e.getCode(),
                    error == null ? null : error.getParam(), error == null || error.getMessage() == null ? e.getMessage() : error.getMessage());
        } catch (Exception e) {
            return new Answer.Unavailable(0, "Stripe's answer was not readable: " + e.getClass().getSimpleName());
        }
    }
}
