package dev.onramp.notifier;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.smtp.SmtpConnection;
import com.icegreen.greenmail.smtp.SmtpManager;
import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.smtp.commands.SmtpCommand;
import com.icegreen.greenmail.smtp.commands.SmtpCommandRegistry;

/**
 * Makes GreenMail answer {@code RCPT TO} for some addresses with 550, as a real server does for an unknown
 * mailbox. GreenMail accepts every recipient and has no setting for this, so its RCPT command is wrapped; every
 * other part of the SMTP conversation stays GreenMail's own.
 */
final class RefusedRecipients {
    private static final Pattern RCPT = Pattern.compile("RCPT TO:\\s?<([^>]*)>.*", Pattern.CASE_INSENSITIVE);

    private RefusedRecipients() {
    }

    @SuppressWarnings("unchecked")
    static synchronized void refuse(Predicate<String> refused) {
        try {
            Field field = SmtpCommandRegistry.class.getDeclaredField("commands");
            field.setAccessible(true);
            Map<String, SmtpCommand> commands = (Map<String, SmtpCommand>) field.get(null);
            SmtpCommand accepting = commands.get("RCPT");
            commands.put("RCPT", new SmtpCommand() {
                @Override
                public void execute(SmtpConnection conn, SmtpState state, SmtpManager manager, String line) throws IOException {
                    Matcher m = RCPT.matcher(line);
                    if (m.matches() && refused.test(m.group(1))) {
                        conn.send("550 5.1.1 <" + m.group(1) + ">: Recipient address rejected: User unknown");
                        return;
                    }
                    accepting.execute(conn, state, manager, line);
                }
            });
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("GreenMail's command registry changed", e);
        }
    }
}
