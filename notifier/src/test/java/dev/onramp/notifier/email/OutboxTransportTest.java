package dev.onramp.notifier.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTransportTest {
    @TempDir
    Path outbox;

    @Test
    void eachEmailIsOneWholeEmlFileNamedByItsNotification() throws Exception {
        OutboxTransport transport = new OutboxTransport(outbox);
        MimeMessage message = new MimeMessage(transport.session());
        message.setFrom(new InternetAddress("no-reply@onramp.local"));
        message.setRecipients(Message.RecipientType.TO, "buyer@example.com");
        message.setSubject("Your crypto purchase is complete");
        String body = "Ünïcode and a long line " + "x".repeat(100_000);
        message.setText(body, "UTF-8");
        message.setHeader("X-Onramp-Notification-Id", "ntf_0123456789abcdef");
        message.saveChanges();

        assertThat(transport.send(message)).isEqualTo("ntf_0123456789abcdef.eml");
        try (var files = Files.list(outbox)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("ntf_0123456789abcdef.eml");
        }
        try (InputStream in = Files.newInputStream(outbox.resolve("ntf_0123456789abcdef.eml"))) {
            MimeMessage read = new MimeMessage(transport.session(), in);
            assertThat(read.getSubject()).isEqualTo("Your crypto purchase is complete");
            assertThat(read.getAllRecipients()[0].toString()).isEqualTo("buyer@example.com");
            assertThat((String) read.getContent()).isEqualTo(body);
        }
    }
}
