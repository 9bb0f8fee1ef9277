package dev.onramp.notifier.email;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Optional;

import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.notifier.deciding.Notification;
import dev.onramp.notifier.deciding.NotificationChannel;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.RecipientMask;
import dev.onramp.schemas.SessionRecipient;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/** Email: compose from templates, hand to SMTP (or the outbox), and sort failures into transient and permanent. */
public final class EmailChannel implements NotificationChannel {
    private final EmailComposer composer;
    private final MailTransport transport;

    public EmailChannel(EmailComposer composer, MailTransport transport) {
        this.composer = composer;
        this.transport = transport;
    }

    @Override
    public Channel kind() {
        return Channel.EMAIL;
    }

    @Override
    public Optional<String> address(SessionRecipient recipient) {
        return Optional.ofNullable(recipient.getEmail()).filter(e -> !e.isBlank());
    }

    @Override
    public String mask(String address) {
        return RecipientMask.email(address);
    }

    @Override
    public ProviderAnswer deliver(Notification notification) {
        MimeMessage message;
        try {
            message = composer.compose(notification.id(), notification.outcome(), notification.address(), notification.locale());
        } catch (MessagingException | RuntimeException e) {
            return new ProviderAnswer.Permanent("could not compose the email: " + e.getClass().getSimpleName());
        }
        try {
            return new ProviderAnswer.Sent(transport.send(message));
        } catch (MessagingException e) {
            return classify(e, transport.describe());
        }
    }

    @Override
    public void close() {
        transport.close();
    }

    /**
     * SMTP 5xx is permanent, 4xx transient; no reply at all (refused, timed out) is transient. A failure that
     * configuration causes says which setting fixes it: it stays transient, so fixing the setting lets the
     * retries through.
     */
    static ProviderAnswer classify(MessagingException failure, String server) {
        for (Throwable t = failure; t != null; t = nextOf(t)) {
            if (t.getMessage() != null && t.getMessage().contains("does not support STARTTLS")) {
                return new ProviderAnswer.Transient(server + " does not offer STARTTLS; set SMTP_STARTTLS=false for a local"
                        + " server without TLS");
            }
            int code = replyCode(t);
            if (code >= 500) {
                return new ProviderAnswer.Permanent("SMTP " + code + ": " + firstLine(t.getMessage()));
            }
            if (code >= 400) {
                return new ProviderAnswer.Transient("SMTP " + code + ": " + firstLine(t.getMessage()));
            }
            if (t instanceof ConnectException || t instanceof SocketTimeoutException) {
                return new ProviderAnswer.Transient(t.getClass().getSimpleName() + ": " + firstLine(t.getMessage()));
            }
        }
        return new ProviderAnswer.Transient(failure.getClass().getSimpleName() + ": " + firstLine(failure.getMessage()));
    }

    private static int replyCode(Throwable t) {
        if (t instanceof SMTPAddressFailedException e) {
            return e.getReturnCode();
        }
        if (t instanceof SMTPSenderFailedException e) {
            return e.getReturnCode();
        }
        if (t instanceof SMTPSendFailedException e) {
            return e.getReturnCode();
        }
        return -1;
    }

    private static Throwable nextOf(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t) {
            return m.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    /** The reply's first line, with any address in it masked: the reason goes to logs, topics and the console. */
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return RecipientMask.emailsIn(line.length() > 200 ? line.substring(0, 200) : line);
    }
}
