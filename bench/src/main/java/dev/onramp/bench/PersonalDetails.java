package dev.onramp.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.onramp.runtime.privacy.DataKey;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.TransactionDetails;

/**
 * The personal fields of a bench's session events (wallet address, the network's address, transaction id), as ingest
 * writes them: sealed with a key per session, or in clear (the {@code --no-sealing} run, for the comparison).
 */
final class PersonalDetails {
    private final boolean sealed;
    private final Map<String, DataKey> keys = new HashMap<>();

    PersonalDetails(boolean sealed) {
        this.sealed = sealed;
    }

    boolean sealed() {
        return sealed;
    }

    /** {@code details} with the session's wallet and transaction id, then the event sealed when sealing is on. */
    OnrampSessionEvent of(OnrampSessionEvent event) {
        String session = event.getSessionId();
        String wallet = String.format(Locale.ROOT, "0x%040x", session.hashCode() & 0xffffffffL);
        TransactionDetails details = event.getTransactionDetails();
        details.setWalletAddress(wallet);
        details.setWalletAddresses(Map.of("ethereum", wallet));
        details.setTransactionId(String.format(Locale.ROOT, "0x%064x", (long) event.getEventId().hashCode() & 0xffffffffL));
        return sealed ? PersonalFields.seal(event, keys.computeIfAbsent(session, DataKey::generate)) : event;
    }
}
