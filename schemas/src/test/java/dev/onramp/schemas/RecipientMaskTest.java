package dev.onramp.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecipientMaskTest {
    @Test
    void keepsTheFirstAndLastLetterAndTheDomain() {
        assertThat(RecipientMask.email("buyer@example.com")).isEqualTo("b***r@example.com");
        assertThat(RecipientMask.email("b@example.com")).isEqualTo("b***@example.com");
    }

    @Test
    void somethingThatIsNotAnAddressShowsNothingOfIt() {
        assertThat(RecipientMask.email("no-at-sign")).isEqualTo("***");
        assertThat(RecipientMask.email(null)).isEqualTo("(none)");
    }
}
