package dev.onramp.notifier.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import dev.onramp.schemas.Fees;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TransactionDetails;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

class EmailComposerTest {
    private final EmailComposer composer = new EmailComposer(Session.getInstance(new Properties()),
            "Onramp <no-reply@onramp.example>", "onramp.example");

    static SessionOutcome fulfilled(String network, String currency, boolean livemode) {
        return outcome(OutcomeKind.FULFILLED, network, currency, livemode);
    }

    static SessionOutcome outcome(OutcomeKind kind, String network, String currency, boolean livemode) {
        return SessionOutcome.newBuilder()
                .setSessionId("cos_ComposerTest0001")
                .setOutcome(kind)
                .setPreviousStatus(SessionStatus.FULFILLMENT_PROCESSING)
                .setOccurredAt(Instant.parse("2026-11-25T10:00:00Z"))
                .setDecidingEventId("evt_1")
                .setLivemode(livemode)
                .setTransactionDetails(TransactionDetails.newBuilder()
                        .setDestinationAmount("0.031415926535897932").setDestinationCurrency(currency)
                        .setDestinationNetwork(network).setSourceAmount("100.00").setSourceCurrency("usd")
                        .setFees(Fees.newBuilder().setNetworkFeeAmount("0.89").setTransactionFeeAmount("2.73").build())
                        .setWalletAddress("0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2")
                        .setTransactionId("0xc2573af6b3a18e6f7c0e1cccc187a483f61d72cbb421f7166970d3ab45731a95")
                        .build())
                .build();
    }

    private static List<String> parts(MimeMessage message) throws Exception {
        MimeMultipart multipart = (MimeMultipart) message.getContent();
        return List.of(multipart.getBodyPart(0).getContent().toString(), multipart.getBodyPart(1).getContent().toString());
    }

    private static byte[] onTheWire(MimeMessage message) throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        return raw.toByteArray();
    }

    @Test
    void aFulfilledEmailSaysWhatWasBoughtPaidAndWhereItWent() throws Exception {
        MimeMessage message = composer.compose("ntf_abc", fulfilled("ethereum", "eth", true), "buyer@example.com", "en");
        assertThat(message.getSubject()).isEqualTo("Your crypto purchase is complete");
        assertThat(message.getMessageID()).isEqualTo("<ntf_abc@onramp.example>");
        assertThat(message.getContentType()).startsWith("multipart/alternative");
        List<String> parts = parts(message);
        String text = parts.get(0);
        String html = parts.get(1);
        for (String body : parts) {
            assertThat(body).contains("0.031415926535897932").contains("ETH").contains("Ethereum")
                    .contains("100.00").contains("USD").contains("0.89").contains("2.73")
                    .contains("0xB00F\u202628a2")
                    .contains("0xc2573af6b3a18e6f7c0e1cccc187a483f61d72cbb421f7166970d3ab45731a95")
                    .contains("https://etherscan.io/tx/0xc2573af6b3a18e6f7c0e1cccc187a483f61d72cbb421f7166970d3ab45731a95");
        }
        assertThat(text).doesNotContain("<");
        assertThat(html).contains("<a href=\"https://etherscan.io/tx/0xc2573af6");
    }

    @Test
    void theMessageIdIsTheSameEveryTimeForOneNotification() throws Exception {
        MimeMessage first = composer.compose("ntf_same", fulfilled("solana", "sol", true), "buyer@example.com", "en");
        MimeMessage second = composer.compose("ntf_same", fulfilled("solana", "sol", true), "buyer@example.com", "en");
        first.saveChanges();
        assertThat(first.getMessageID()).isEqualTo(second.getMessageID()).isEqualTo("<ntf_same@onramp.example>");
    }

    @Test
    void spanishWhenTheRecipientAsksForItEnglishForAnythingElse() throws Exception {
        MimeMessage spanish = composer.compose("ntf_es", fulfilled("polygon", "usdc", true), "comprador@example.com", "es-MX");
        assertThat(spanish.getSubject()).isEqualTo("Tu compra de criptomonedas se ha completado");
        assertThat(parts(spanish).get(0)).contains("Compraste").contains("Polygon").contains("https://polygonscan.com/tx/");
        assertThat(spanish.getHeader("Content-Language")[0]).isEqualTo("es");

        MimeMessage french = composer.compose("ntf_fr", fulfilled("polygon", "usdc", true), "acheteur@example.com", "fr");
        assertThat(french.getSubject()).isEqualTo("Your crypto purchase is complete");
    }

    @Test
    void aRejectedEmailIsPlainAndHasNoInternalDetail() throws Exception {
        SessionOutcome rejected = outcome(OutcomeKind.REJECTED, "bitcoin", "btc", true);
        MimeMessage message = composer.compose("ntf_rej", rejected, "buyer@example.com", "en");
        assertThat(message.getSubject()).isEqualTo("Your crypto purchase could not be completed");
        for (String body : parts(message)) {
            assertThat(body).contains("could not be completed").contains("start a new purchase")
                    .doesNotContain("evt_").doesNotContain("cos_").doesNotContain("KYC").doesNotContain("sanction")
                    .doesNotContain("0xc2573af6");
        }
    }

    @Test
    void theWholeMessageCarriesNoSecretOrInternalId() throws Exception {
        MimeMessage message = composer.compose("ntf_raw", fulfilled("ethereum", "eth", false), "buyer@example.com", "en");
        assertThat(new String(onTheWire(message), StandardCharsets.UTF_8)).doesNotContain("_secret_")
                .doesNotContain("cos_ComposerTest0001").doesNotContain("evt_1");
        assertThat(parts(message).get(0)).contains("https://sepolia.etherscan.io/tx/");
    }

    @Test
    void bothPartsGoOutQuotedPrintableInShortLinesAndReadBackAsWritten() throws Exception {
        MimeMessage message = composer.compose("ntf_qp", fulfilled("polygon", "usdc", true), "comprador@example.com", "es");
        byte[] raw = onTheWire(message);
        String wire = new String(raw, StandardCharsets.US_ASCII);
        assertThat(wire.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(wire.chars()).allSatisfy(c -> assertThat(c).isLessThan(128));

        MimeMessage received = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
        MimeMultipart multipart = (MimeMultipart) received.getContent();
        for (int i = 0; i < 2; i++) {
            assertThat(((MimeBodyPart) multipart.getBodyPart(i)).getEncoding()).isEqualTo("quoted-printable");
        }
        // On the wire every line ends in CRLF (RFC 5322); apart from that, the text is what was composed.
        assertThat(parts(received).stream().map(part -> part.replace("\r\n", "\n")).toList()).isEqualTo(parts(message));
        assertThat(parts(received).get(0)).contains("Compraste").contains("0xB00F\u202628a2");
        assertThat(received.getSentDate()).isCloseTo(new Date(), 60_000);
        assertThat(received.getContentType()).startsWith("multipart/alternative");
        assertThat(multipart.getBodyPart(0).getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(multipart.getBodyPart(1).getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
    }
}
