package dev.onramp.runtime.streams;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stream thread's uncaught exception does: the thread is replaced (under exactly-once its transaction
 * aborts and the replacement reads the same records again), which is how a failure that is not the record's fault
 * (the registry away) is retried. More than {@link #MAX_REPLACEMENTS} within {@link #WINDOW} means it will not heal by
 * itself: the client shuts down, liveness fails, and the orchestrator restarts the process.
 */
public final class ThreadReplacement implements StreamsUncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ThreadReplacement.class);
    static final int MAX_REPLACEMENTS = 20;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final String application;
    private final Counter replaced;
    private final Deque<Long> recent = new ArrayDeque<>();

    public ThreadReplacement(String application, MeterRegistry metrics) {
        this.application = application;
        this.replaced = Counter.builder("onramp_stream_thread_replacements")
                .description("stream threads replaced after an uncaught exception")
                .tag("application", application).register(metrics);
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        long now = System.nanoTime();
        while (!recent.isEmpty() && now - recent.peekFirst() > WINDOW.toNanos()) {
            recent.pollFirst();
        }
        if (recent.size() >= MAX_REPLACEMENTS) {
            log.error("{}: stream thread failed {} times within {}; shutting the client down so that it is restarted",
                    application, recent.size() + 1, WINDOW, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recent.addLast(now);
        replaced.increment();
        log.warn("{}: stream thread failed ({}), replacing it (failure {} of at most {} within {})", application,
                rootMessage(exception), recent.size(), MAX_REPLACEMENTS, WINDOW);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private static String rootMessage(Throwable exception) {
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == exception ? exception.toString() : exception.getClass().getSimpleName() + " caused by " + root;
    }
}
