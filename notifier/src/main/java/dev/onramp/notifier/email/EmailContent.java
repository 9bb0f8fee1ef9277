package dev.onramp.notifier.email;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * What an outcome email shows, already formatted for people, plus the localized texts. The templates read only
 * this: nothing secret or internal (no client secret, no keys, no reason codes) can reach a message.
 */
public record EmailContent(ResourceBundle texts, String subject, String destinationAmount, String destinationCurrency,
                           String network, String sourceAmount, String sourceCurrency, String networkFee,
                           String transactionFee, String walletShort, String transactionId, String explorerUrl,
                           String unsubscribeUrl) {

    public String t(String key) {
        return texts.getString(key);
    }

    public String t(String key, Object... args) {
        return new MessageFormat(texts.getString(key), texts.getLocale()).format(args);
    }

    public String language() {
        Locale locale = texts.getLocale();
        return locale == null || locale.getLanguage().isEmpty() ? "en" : locale.getLanguage();
    }
}
