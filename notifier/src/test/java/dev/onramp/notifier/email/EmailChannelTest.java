package dev.onramp.notifier.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import dev.onramp.notifier.delivery.DeliveryResult;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

class EmailChannelTest {
    @Test
    void smtp5xxIsPermanentAnd4xxTransient() throws Exception {
        var refused = new SMTPAddressFailedException(new InternetAddress("x@example.com"), "RCPT TO", 550, "550 5.1.1 user unknown");
        var wrapped = new MessagingException("Invalid Addresses", refused);
        wrapped.setNextException(refused);
        assertThat(EmailChannel.classify(wrapped)).isInstanceOf(DeliveryResult.Permanent.class);

        var busy = new SMTPSendFailedException("DATA", 451, "451 4.3.0 try later", null, null, null, null);
        assertThat(EmailChannel.classify(busy)).isInstanceOf(DeliveryResult.Transient.class);
        assertThat(((DeliveryResult.Transient) EmailChannel.classify(busy)).reason()).startsWith("SMTP 451");
    }

    @Test
    void noAnswerAtAllIsTransient() {
        var down = new MessagingException("Couldn't connect to host", new ConnectException("Connection refused"));
        assertThat(EmailChannel.classify(down)).isInstanceOf(DeliveryResult.Transient.class);
    }
}
