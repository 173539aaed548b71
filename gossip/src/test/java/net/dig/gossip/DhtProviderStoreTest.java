package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DhtProviderStoreTest {
    private static final Bytes32 A = Bytes32.fromHex("aa".repeat(32));
    private static final Bytes32 B = Bytes32.fromHex("bb".repeat(32));
    private static final Bytes32 C = Bytes32.fromHex("cc".repeat(32));

    private static ProviderRecord record(Bytes32 key, int provider, long expiresAt) {
        byte[] id = new byte[32];
        id[31] = (byte) provider;
        return new ProviderRecord(key, new PeerId(Bytes32.wrap(id)), List.of(), expiresAt, new byte[64]);
    }

    @Test
    void aFullStoreRefusesANewKeyUntilARecordExpires() {
        DhtProviderStore store = new DhtProviderStore(2, 2, 100);
        assertThat(store.put(record(A, 1, 100), 0)).isTrue();
        assertThat(store.put(record(B, 1, 200), 0)).isTrue();
        assertThat(store.put(record(C, 1, 300), 50)).isFalse();
        assertThat(store.put(record(C, 1, 300), 100)).as("A's only record has expired and is swept").isTrue();
        assertThat(store.keyCount()).isEqualTo(2);
        assertThat(store.get(A, 100)).isEmpty();
    }

    @Test
    void aFullKeyTakesALongerLivedProviderInPlaceOfTheOneExpiringFirst() {
        DhtProviderStore store = new DhtProviderStore(8, 2, 100);
        store.put(record(A, 1, 100), 0);
        store.put(record(A, 2, 200), 0);
        assertThat(store.put(record(A, 3, 50), 0)).as("shorter-lived than every record held").isFalse();
        assertThat(store.put(record(A, 3, 150), 0)).isTrue();
        assertThat(store.get(A, 0)).extracting(r -> r.provider().value().get(31)).containsExactlyInAnyOrder((byte) 2, (byte) 3);
        assertThat(store.recordCount()).isEqualTo(2);
    }

    @Test
    void aProvidersNewerRecordReplacesItsOlderOneAndRecordsExpire() {
        DhtProviderStore store = new DhtProviderStore(8, 2, 100);
        store.put(record(A, 1, 100), 0);
        assertThat(store.put(record(A, 1, 500), 10)).isTrue();
        assertThat(store.put(record(A, 1, 300), 20)).as("an older announcement does not shorten a record").isTrue();
        assertThat(store.get(A, 400)).extracting(ProviderRecord::expiresAtMillis).containsExactly(500L);
        assertThat(store.recordCount()).isEqualTo(1);
        assertThat(store.get(A, 500)).as("expired at its expiry").isEmpty();
        store.expire(500);
        assertThat(store.recordCount()).isZero();
        assertThat(store.keyCount()).isZero();
        store.put(record(B, 1, 100), 0);
        store.remove(B, record(B, 1, 100).provider());
        assertThat(store.keyCount()).isZero();
    }

    @Test
    void theStoreHoldsAtMostItsRecordsOverAllKeysUntilSomeExpire() {
        DhtProviderStore store = new DhtProviderStore(8, 4, 3);
        assertThat(store.put(record(A, 1, 100), 0)).isTrue();
        assertThat(store.put(record(A, 2, 200), 0)).isTrue();
        assertThat(store.put(record(B, 1, 200), 0)).isTrue();
        assertThat(store.put(record(A, 3, 300), 0)).as("a new provider of a held key").isFalse();
        assertThat(store.put(record(C, 1, 300), 0)).as("a new key").isFalse();
        assertThat(store.put(record(A, 1, 400), 0)).as("a provider renewing its record takes no new room").isTrue();
        assertThat(store.recordCount()).isEqualTo(3);
        assertThat(store.put(record(C, 1, 300), 200)).as("the records expired at 200 are swept first").isTrue();
        assertThat(store.recordCount()).isEqualTo(2);
        assertThat(store.get(A, 200)).extracting(ProviderRecord::expiresAtMillis).containsExactly(400L);
        assertThat(store.get(B, 200)).isEmpty();
    }
}
