package dev.onramp.notifier.sending;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.onramp.notifier.deciding.ProviderAnswer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a worker may send now: a circuit breaker (resilience4j) that pauses sending while most attempts fail,
 * so an outage does not use up every notification's retries at once, and an optional rate limit under the
 * provider's throttle.
 */
final class SendGate {
    private static final Logger log = LoggerFactory.getLogger(SendGate.class);

    private final CircuitBreaker breaker;
    private final RateLimiter rateLimiter;

    SendGate(String name, double ratePerSecond, Duration openFor) {
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openFor)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        breaker.getEventPublisher().onStateTransition(e -> log.warn("{}: circuit breaker {} ({})", name, e.getStateTransition(),
                e.getStateTransition().getToState() == CircuitBreaker.State.OPEN
                        ? "most attempts fail; intents wait instead of using up their retries, probing again in "
                        + openFor.toSeconds() + " s"
                        : "sending again"));
        this.rateLimiter = ratePerSecond <= 0 ? null : RateLimiter.of(name, RateLimiterConfig.custom()
                .limitForPeriod((int) Math.max(1, Math.round(ratePerSecond)))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofMinutes(10))
                .build());
    }

    /** Waits until the breaker lets one attempt through and the rate allows it; false when told to stop first. */
    boolean awaitTurn(BooleanSupplier stillRunning) throws InterruptedException {
        while (!breaker.tryAcquirePermission()) {
            if (!stillRunning.getAsBoolean()) {
                return false;
            }
            Thread.sleep(200);
        }
        if (rateLimiter != null) {
            RateLimiter.waitForPermission(rateLimiter);
        }
        return true;
    }

    /** The turn was not used for a send. */
    void unused() {
        breaker.releasePermission();
    }

    /** A transient failure counts towards opening the breaker; any answer of the provider's says it is up. */
    void observe(ProviderAnswer result, long nanos) {
        if (result instanceof ProviderAnswer.Transient failure) {
            failed(nanos, failure.reason());
        } else {
            answered(nanos);
        }
    }

    /** The provider answered (accepted, or refused this one message): it is up. */
    void answered(long nanos) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }

    /** No answer or a temporary failure: counts towards opening the breaker. */
    void failed(long nanos, String reason) {
        breaker.onError(nanos, TimeUnit.NANOSECONDS, new IllegalStateException(reason));
    }

    boolean open() {
        return breaker.getState() == CircuitBreaker.State.OPEN;
    }
}
