package dev.onramp.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadReplacementTest {
    @Test
    void replacesAFailedThreadUntilTheBudgetIsSpentThenShutsTheClientDown() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        ThreadReplacement handler = new ThreadReplacement("app", metrics);
        for (int i = 0; i < ThreadReplacement.MAX_REPLACEMENTS; i++) {
            assertThat(handler.handle(new IllegalStateException("registry away"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
        assertThat(handler.handle(new IllegalStateException("still away"))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(metrics.get("onramp_stream_thread_replacements").counter().count()).isEqualTo(ThreadReplacement.MAX_REPLACEMENTS);
    }
}
