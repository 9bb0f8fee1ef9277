package dev.onramp.notifier.email;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

import dev.onramp.schemas.RecipientMask;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No SMTP server configured (the local platform's default): each email is written as an {@code .eml} file that any
 * mail client opens, and logged as one line with the recipient masked, so nothing is silently dropped.
 */
public final class OutboxTransport implements MailTransport {
    private static final Logger log = LoggerFactory.getLogger(OutboxTransport.class);
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path directory;
    private final Session session = Session.getInstance(new Properties());

    public OutboxTransport(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create outbox " + directory, e);
        }
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public String send(MimeMessage message) throws MessagingException {
        String id = message.getHeader("X-Onramp-Notification-Id", null);
        Path file = directory.resolve(id + ".eml");
        Path partial = directory.resolve(id + ".eml.partial");
        // Buffered: Jakarta Mail writes a message in many small pieces, and each one unbuffered is a system call
        // (an outbox then took ~6 ms of CPU per email and could not keep up with a few hundred a second).
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), BUFFER_BYTES)) {
            message.writeTo(out);
        } catch (IOException e) {
            throw new MessagingException("cannot write " + partial, e);
        }
        try {
            // Written whole or not at all: a reader of the outbox never sees half a message.
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MessagingException("cannot move " + partial + " into place", e);
        }
        Address[] to = message.getAllRecipients();
        log.info("outbox: {} to {} subject \"{}\" -> {}", id, RecipientMask.email(to == null || to.length == 0 ? null : to[0].toString()),
                message.getSubject(), file.getFileName());
        return file.getFileName().toString();
    }

    @Override
    public String describe() {
        return "outbox " + directory.toAbsolutePath();
    }

    @Override
    public void close() {
    }
}
