package dev.onramp.notifier.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/** Where composed emails go: an SMTP server, or a local outbox directory when none is configured. */
public interface MailTransport extends AutoCloseable {
    /** Hands the message over; returns the provider's id of it. Throws when it was not accepted. */
    String send(MimeMessage message) throws MessagingException;

    /** The mail session messages for this transport are composed in. */
    Session session();

    /** A short description for the start-up line ("smtp://host:port", "outbox /path"). */
    String describe();

    @Override
    void close();
}
