package dev.onramp.notifier.email;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.ResourceBundle;

import dev.onramp.notifier.deciding.ExplorerLinks;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SuppressionKeys;
import dev.onramp.schemas.TransactionDetails;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

/**
 * Builds the outcome email: multipart/alternative with a plain-text and an HTML part from templates compiled at
 * build time (JTE), in the recipient's language when we have it (English, Spanish), English otherwise.
 * The Message-ID is derived from the notification id, so a repeat of the same notification can be dropped by
 * any mail system downstream.
 */
public final class EmailComposer {
    private static final String BUNDLE = "dev.onramp.notifier.email.messages";

    static {
        // Jakarta Mail 2.1 finds its StreamProvider through ServiceLoader on every multipart, body part and encoded
        // header, reading the service files of every jar on the class path each time (jakartaee/mail-api#861): a
        // third of the sender's CPU per email. Named here, it is a class lookup instead.
        System.getProperties().putIfAbsent("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }

    private final TemplateEngine html = TemplateEngine.createPrecompiled(null, ContentType.Html,
            EmailComposer.class.getClassLoader(), "dev.onramp.notifier.templates.html");
    private final TemplateEngine text = TemplateEngine.createPrecompiled(null, ContentType.Plain,
            EmailComposer.class.getClassLoader(), "dev.onramp.notifier.templates.text");
    private final Session session;
    private final InternetAddress from;
    private final String messageIdDomain;
    private final Optional<Unsubscribe> unsubscribe;

    /**
     * Where the one-click unsubscribe link points ({@code <baseUrl>/unsubscribe?t=<token>}, served by ingest) and the
     * secret its token is signed with.
     */
    public record Unsubscribe(String baseUrl, String secret) {
        String link(String to) {
            return baseUrl.replaceAll("/+$", "") + "/unsubscribe?t=" + SuppressionKeys.unsubscribeToken(secret, to);
        }

        @Override
        public String toString() {
            return "unsubscribe links to " + baseUrl;
        }
    }

    public EmailComposer(Session session, String mailFrom, String messageIdDomain) {
        this(session, mailFrom, messageIdDomain, Optional.empty());
    }

    public EmailComposer(Session session, String mailFrom, String messageIdDomain, Optional<Unsubscribe> unsubscribe) {
        this.session = session;
        this.unsubscribe = unsubscribe;
        this.messageIdDomain = messageIdDomain;
        try {
            this.from = new InternetAddress(mailFrom, true);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("MAIL_FROM is not a valid address: " + mailFrom, e);
        }
    }

    public MimeMessage compose(String notificationId, SessionOutcome outcome, String to, String locale) throws MessagingException {
        String unsubscribeUrl = unsubscribe.map(u -> u.link(to)).orElse(null);
        EmailContent content = content(outcome, locale, unsubscribeUrl);
        String template = outcome.getOutcome() == OutcomeKind.FULFILLED ? "fulfilled.jte" : "rejected.jte";

        MimeBodyPart plain = textPart(render(text, template, content), "plain");
        MimeBodyPart rich = textPart(render(html, template, content), "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(rich);

        MimeMessage message = new StableIdMimeMessage(session, "<" + notificationId + "@" + messageIdDomain + ">");
        message.setHeader("Date", SentDate.now());
        message.setFrom(from);
        message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to, true));
        message.setSubject(content.subject(), "UTF-8");
        message.setHeader("Content-Language", content.language());
        message.setHeader("X-Onramp-Notification-Id", notificationId);
        if (unsubscribeUrl != null) {
            // RFC 8058: a mail client's "unsubscribe" button POSTs List-Unsubscribe=One-Click to this URL.
            message.setHeader("List-Unsubscribe", "<" + unsubscribeUrl + ">");
            message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    /**
     * Quoted-printable, named up front: left to choose, Jakarta Mail writes the whole part once more through a
     * byte-counting stream on every save to pick an encoding, and for mostly-ASCII text it picks this one.
     */
    private static MimeBodyPart textPart(String body, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        // Bytes, not a String: a String part is encoded again through a new 8 KB OutputStreamWriter at each write.
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(body.getBytes(StandardCharsets.UTF_8),
                "text/" + subtype + "; charset=UTF-8")));
        part.setHeader("Content-Transfer-Encoding", "quoted-printable");
        return part;
    }

    EmailContent content(SessionOutcome outcome, String locale) {
        return content(outcome, locale, null);
    }

    EmailContent content(SessionOutcome outcome, String locale, String unsubscribeUrl) {
        ResourceBundle texts = ResourceBundle.getBundle(BUNDLE, Locale.forLanguageTag(locale == null ? "en" : locale),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        boolean fulfilled = outcome.getOutcome() == OutcomeKind.FULFILLED;
        String subject = texts.getString(fulfilled ? "fulfilled.subject" : "rejected.subject");
        TransactionDetails d = outcome.getTransactionDetails() == null ? new TransactionDetails() : outcome.getTransactionDetails();
        String fees = d.getFees() == null ? null : d.getFees().getNetworkFeeAmount();
        String txFee = d.getFees() == null ? null : d.getFees().getTransactionFeeAmount();
        return new EmailContent(texts, subject,
                orDash(d.getDestinationAmount()), upper(d.getDestinationCurrency()), capitalized(d.getDestinationNetwork()),
                orDash(d.getSourceAmount()), upper(d.getSourceCurrency()), fees, txFee,
                shorten(d.getWalletAddress()), d.getTransactionId(),
                ExplorerLinks.transaction(d.getDestinationNetwork(), d.getTransactionId(), outcome.getLivemode()), unsubscribeUrl);
    }

    private static String render(TemplateEngine engine, String template, EmailContent content) {
        StringOutput out = new StringOutput();
        engine.render(template, content, out);
        return out.toString();
    }

    /** {@code 0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2} becomes {@code 0xB00F…28a2}. */
    static String shorten(String wallet) {
        if (wallet == null) {
            return "-";
        }
        return wallet.length() <= 12 ? wallet : wallet.substring(0, 6) + "\u2026" + wallet.substring(wallet.length() - 4);
    }

    private static String upper(String value) {
        return value == null ? "" : value.toUpperCase(Locale.ROOT);
    }

    private static String capitalized(String value) {
        return value == null || value.isEmpty() ? "-" : Character.toUpperCase(value.charAt(0)) + value.substring(1);
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    /** Jakarta Mail replaces Message-ID on every save; this keeps ours. */
    private static final class StableIdMimeMessage extends MimeMessage {
        private final String messageId;

        StableIdMimeMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
