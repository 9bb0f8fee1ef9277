package dev.onramp.runtime.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.TransactionDetails;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class PersonalFieldsTest {
    private static final String WALLET = "0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2";
    private static final String TX = "0x7a3d5c1e9b2f4a6d8c0e1f3a5b7d9c2e4f6a8b0d";

    @Test
    void sealsEveryPersonalFieldAndOpensItAgain() {
        DataKey key = DataKey.generate("cos_1");
        OnrampSessionEvent event = event();
        OnrampSessionEvent sealed = PersonalFields.seal(event, key);

        TransactionDetails d = sealed.getTransactionDetails();
        assertThat(List.of(d.getWalletAddress(), d.getTransactionId(), d.getWalletAddresses().get("ethereum")))
                .allMatch(SealedValue::isSealed)
                .noneMatch(v -> v.contains(WALLET) || v.contains(TX));
        assertThat(d.getDestinationCurrency()).as("not personal: in clear").isEqualTo("usdc");
        assertThat(d.getWalletAddresses()).containsOnlyKeys("ethereum");
        assertThat(event.getTransactionDetails().getWalletAddress()).as("the original is untouched").isEqualTo(WALLET);

        assertThat(PersonalFields.open(sealed, id -> id.equals(key.keyId()) ? Optional.of(key) : Optional.empty())).isEqualTo(event);
    }

    @Test
    void aValueSealedTwiceWithOneKeyIsTheSameStringAndUnderAnotherKeyDiffers() {
        DataKey key = DataKey.generate("cos_1");
        assertThat(SealedValue.seal(key, WALLET)).isEqualTo(SealedValue.seal(key, WALLET))
                .isNotEqualTo(SealedValue.seal(key, TX))
                .isNotEqualTo(SealedValue.seal(DataKey.generate("cos_1"), WALLET));
        assertThat(PersonalFields.seal(event(), key)).isEqualTo(PersonalFields.seal(event(), key));
    }

    @Test
    void aValueWhoseKeyIsGoneOpensAsErasedAndATamperedOneDoesNotOpen() {
        DataKey key = DataKey.generate("cos_1");
        OnrampSessionEvent sealed = PersonalFields.seal(event(), key);
        OnrampSessionEvent erased = PersonalFields.open(sealed, id -> Optional.empty());
        assertThat(erased.getTransactionDetails().getWalletAddress()).isEqualTo(SealedValue.ERASED);
        assertThat(erased.getTransactionDetails().getWalletAddresses()).containsEntry("ethereum", SealedValue.ERASED);
        assertThat(erased.getTransactionDetails().getSourceAmount()).isEqualTo("10.00");

        String value = sealed.getTransactionDetails().getWalletAddress();
        String tampered = value.substring(0, value.length() - 2) + (value.endsWith("A") ? "B" : "A") + value.charAt(value.length() - 1);
        assertThatThrownBy(() -> SealedValue.open(key, tampered)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SealedValue.open(DataKey.generate("cos_2"), value)).isInstanceOf(IllegalArgumentException.class);
        assertThat(PersonalFields.open(tampered, id -> Optional.of(key))).isEqualTo(SealedValue.ERASED);
    }

    @Test
    void aLongValueIsSealedCompressedAndOpensToTheSameText() {
        DataKey key = DataKey.generate("cos_1");
        String body = "{\"object\":\"crypto.onramp_session\",\"wallet_address\":\"" + WALLET + "\",\"status\":\"fulfillment_complete\"}"
                .repeat(20) + "é ✓";
        String sealed = SealedValue.seal(key, body);
        assertThat(sealed).startsWith(SealedValue.PREFIX + "v2:" + key.keyId() + ":").doesNotContain(WALLET)
                .hasSizeLessThan(body.length()).isEqualTo(SealedValue.seal(key, body));
        assertThat(SealedValue.open(key, sealed)).isEqualTo(body);
        assertThat(SealedValue.keyIdOf(sealed)).contains(key.keyId());

        String relabelled = sealed.replaceFirst("^sealed:v2:", "sealed:v1:");
        assertThatThrownBy(() -> SealedValue.open(key, relabelled)).as("the form is authenticated").isInstanceOf(IllegalArgumentException.class);
        String noise = "x9Q!".repeat(10) + UUID.randomUUID();
        assertThat(SealedValue.seal(key, noise)).as("short values stay v1").startsWith(SealedValue.PREFIX + "v1:");
    }

    @Test
    void aValueInClearIsReadAsItIs() {
        OnrampSessionEvent event = event();
        assertThat(PersonalFields.open(event, id -> {
            throw new AssertionError("no key is looked up for a value in clear");
        })).isEqualTo(event);
    }

    @Test
    void theSealerSealsOnlyTheKeptForeverTopicsAndWritesEachNewKeyOnce() {
        SubjectKeys keys = new SubjectKeys(10);
        RecordSealer sealer = RecordSealer.forIngest(keys, Clock.systemUTC());
        RawWebhook raw = RawWebhook.newBuilder().setEventId("evt_1").setEventType("crypto.onramp_session_updated")
                .setSessionId("cos_1").setPayload("{\"wallet_address\":\"" + WALLET + "\"}").setBodySha256("00")
                .setSignatureHeader("t=1").setVerifiedBy("whsec_…1").setReceivedAt(Instant.EPOCH).build();
        List<ProducerRecord<String, ? extends SpecificRecord>> records = List.of(
                new ProducerRecord<>(Topics.WEBHOOKS_RAW.name(), "cos_1", raw),
                new ProducerRecord<>(Topics.SESSION_EVENTS.name(), "cos_1", event()),
                new ProducerRecord<>(Topics.RECIPIENTS.name(), "cos_1", null));

        RecordSealer.Sealing first = sealer.seal(records);
        assertThat(first.records()).extracting(ProducerRecord::topic).containsExactly(Topics.SUBJECT_KEYS.name(),
                Topics.WEBHOOKS_RAW.name(), Topics.SESSION_EVENTS.name(), Topics.RECIPIENTS.name());
        SubjectKey written = (SubjectKey) first.records().get(0).value();
        assertThat(written.getSubject()).isEqualTo("cos_1");
        assertThat(((RawWebhook) first.records().get(1).value()).getPayload()).startsWith(SealedValue.PREFIX + "v1:" + written.getKeyId() + ":")
                .doesNotContain(WALLET);

        assertThat(sealer.seal(records).records()).as("not committed yet: a new key again")
                .extracting(ProducerRecord::topic).contains(Topics.SUBJECT_KEYS.name());
        first.committed();
        RecordSealer.Sealing second = sealer.seal(records);
        assertThat(second.records()).extracting(ProducerRecord::topic).doesNotContain(Topics.SUBJECT_KEYS.name());
        assertThat(((RawWebhook) second.records().get(0).value()).getPayload()).contains(written.getKeyId());

        keys.forget("cos_1");
        assertThat(sealer.seal(records).records()).as("after an erasure, a new key").extracting(ProducerRecord::topic)
                .contains(Topics.SUBJECT_KEYS.name());
        assertThat(RecordSealer.NONE.seal(records).records()).isSameAs(records);
    }

    private static OnrampSessionEvent event() {
        Map<String, String> wallets = new HashMap<>();
        wallets.put("ethereum", WALLET);
        TransactionDetails details = TransactionDetails.newBuilder().setDestinationCurrency("usdc").setSourceAmount("10.00")
                .setWalletAddress(WALLET).setTransactionId(TX).setWalletAddresses(wallets).build();
        return OnrampSessionEvent.newBuilder().setEventId("evt_1").setEventType("crypto.onramp_session_updated")
                .setSessionId("cos_1").setStatus(SessionStatus.FULFILLMENT_COMPLETE)
                .setStatusRaw("fulfillment_complete").setEventCreated(Instant.EPOCH).setReceivedAt(Instant.EPOCH)
                .setLivemode(false).setTransactionDetails(details).build();
    }
}
