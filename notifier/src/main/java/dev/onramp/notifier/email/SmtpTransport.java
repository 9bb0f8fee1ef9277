package dev.onramp.notifier.email;

import java.util.Properties;

import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

/**
 * SMTP through Jakarta Mail (Eclipse Angus). One connection is kept open and reused; a failed send drops it so the
 * next send reconnects. Timeouts are bounded so a hanging server delays one attempt, not the whole notifier.
 */
public final class SmtpTransport implements MailTransport {
    private final Session session;
    private final String host;
    private final int port;
    private Transport transport;

    public SmtpTransport(String host, int port, String username, String password, boolean startTls, int timeoutMs) {
        this.host = host;
        this.port = port;
        Properties props = new Properties();
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.connectiontimeout", String.valueOf(timeoutMs));
        props.put("mail.smtp.timeout", String.valueOf(timeoutMs));
        props.put("mail.smtp.writetimeout", String.valueOf(timeoutMs));
        props.put("mail.smtp.starttls.enable", String.valueOf(startTls));
        props.put("mail.smtp.starttls.required", String.valueOf(startTls));
        boolean auth = username != null && !username.isEmpty();
        props.put("mail.smtp.auth", String.valueOf(auth));
        this.session = auth
                ? Session.getInstance(props, new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return new PasswordAuthentication(username, password);
                    }
                })
                : Session.getInstance(props);
    }

    @Override
    public Session session() {
        return session;
    }

    /**
     * Sends on the open connection. Angus's {@code isConnected()} costs a NOOP round trip per message, so the
     * connection is trusted until a send on it fails for want of an answer (the server closed an idle connection):
     * then it is opened again and the message sent once more. A failure with an SMTP reply is the server's answer,
     * and is not retried here.
     */
    @Override
    public synchronized String send(MimeMessage message) throws MessagingException {
        boolean reused = transport != null;
        try {
            sendOnce(message);
        } catch (MessagingException e) {
            close();
            if (!reused || e instanceof SendFailedException) {
                throw e;
            }
            try {
                sendOnce(message);
            } catch (MessagingException again) {
                close();
                throw again;
            }
        }
        return message.getMessageID();
    }

    private void sendOnce(MimeMessage message) throws MessagingException {
        if (transport == null) {
            transport = session.getTransport("smtp");
            transport.connect();
        }
        transport.sendMessage(message, message.getAllRecipients());
    }

    @Override
    public String describe() {
        return "smtp://" + host + ":" + port;
    }

    @Override
    public synchronized void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // already broken; a new connection is made on the next send
            }
            transport = null;
        }
    }
}
