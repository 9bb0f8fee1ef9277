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

    @Test
    void everyAddressInAServersReplyIsMasked() {
        assertThat(RecipientMask.emailsIn("550 5.1.1 <buyer@example.com>: Recipient address rejected: User unknown in "
                + "local recipient table; also to ops.team@corp.example.org"))
                .isEqualTo("550 5.1.1 <b***r@example.com>: Recipient address rejected: User unknown in local recipient table; "
                        + "also to o***m@corp.example.org");
        assertThat(RecipientMask.emailsIn("451 4.3.0 try later")).isEqualTo("451 4.3.0 try later");
        assertThat(RecipientMask.emailsIn(null)).isNull();
    }
}
