package dev.onramp.notifier.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import dev.onramp.notifier.deciding.ProviderAnswer;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

class EmailChannelTest {
    private static final String SERVER = "smtp://127.0.0.1:2525";

    @Test
    void aServerWithoutStartTlsWhileItIsRequiredSaysWhichSettingFixesIt() {
        var noTls = new MessagingException("STARTTLS is required but host does not support STARTTLS");
        ProviderAnswer result = EmailChannel.classify(noTls, SERVER);
        assertThat(result).isInstanceOf(ProviderAnswer.Transient.class);
        assertThat(((ProviderAnswer.Transient) result).reason())
                .isEqualTo("smtp://127.0.0.1:2525 does not offer STARTTLS; set SMTP_STARTTLS=false for a local server without TLS");
    }

    @Test
    void smtp5xxIsPermanentAnd4xxTransient() throws Exception {
        var refused = new SMTPAddressFailedException(new InternetAddress("x@example.com"), "RCPT TO", 550, "550 5.1.1 user unknown");
        var wrapped = new MessagingException("Invalid Addresses", refused);
        wrapped.setNextException(refused);
        assertThat(EmailChannel.classify(wrapped, SERVER)).isInstanceOf(ProviderAnswer.Permanent.class);

        var busy = new SMTPSendFailedException("DATA", 451, "451 4.3.0 try later", null, null, null, null);
        assertThat(EmailChannel.classify(busy, SERVER)).isInstanceOf(ProviderAnswer.Transient.class);
        assertThat(((ProviderAnswer.Transient) EmailChannel.classify(busy, SERVER)).reason()).startsWith("SMTP 451");
    }

    @Test
    void noAnswerAtAllIsTransient() {
        var down = new MessagingException("Couldn't connect to host", new ConnectException("Connection refused"));
        assertThat(EmailChannel.classify(down, SERVER)).isInstanceOf(ProviderAnswer.Transient.class);
    }

    @Test
    void theServersReplyIsKeptWithTheAddressInItMasked() throws Exception {
        var refused = new SMTPAddressFailedException(new InternetAddress("buyer@example.com"), "RCPT TO", 550,
                "550 5.1.1 <buyer@example.com>: Recipient address rejected: User unknown");
        var wrapped = new MessagingException("Invalid Addresses", refused);
        wrapped.setNextException(refused);
        ProviderAnswer result = EmailChannel.classify(wrapped, SERVER);
        assertThat(((ProviderAnswer.Permanent) result).reason())
                .isEqualTo("SMTP 550: 550 5.1.1 <b***r@example.com>: Recipient address rejected: User unknown")
                .doesNotContain("buyer@");
    }
}
