package dev.onramp.console.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onramp.runtime.ApiError;
import org.junit.jupiter.api.Test;

class PageCursorTest {
    @Test
    void aCursorSurvivesTheUrlAndOnlyMovesForward() {
        PageCursor cursor = PageCursor.start(3).after(1, 40).after(2, 7).after(1, 12);
        assertThat(cursor.toString()).isEqualTo("0-0.1-41.2-8");
        assertThat(PageCursor.parse(cursor.toString(), 3)).isEqualTo(cursor);
        assertThat(PageCursor.parse(null, 3)).isEqualTo(PageCursor.start(3));
    }

    @Test
    void aCursorNotMadeByUsIsRefused() {
        assertThatThrownBy(() -> PageCursor.parse("7-1", 3)).isInstanceOf(ApiError.class).hasMessageContaining("next_cursor");
        assertThatThrownBy(() -> PageCursor.parse("0-x", 3)).isInstanceOf(ApiError.class);
    }
}
