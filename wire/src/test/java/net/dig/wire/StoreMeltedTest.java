package net.dig.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StoreMeltedTest {
    private static final Bytes32 STORE = Sha256.hash("store".getBytes());
    private static final Bytes32 PEER = Sha256.hash("peer".getBytes());

    private static byte[] sig() {
        byte[] s = new byte[96];
        for (int i = 0; i < 96; i++) {
            s[i] = (byte) i;
        }
        return s;
    }

    @Test
    void theBodyIs164BytesInFieldOrder() {
        byte[] body = new StoreMelted(STORE, 123_456, PEER, sig()).encode();
        assertEquals(164, body.length);
        assertArrayEquals(STORE.toArray(), Arrays.copyOfRange(body, 0, 32));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xE2, 0x40}, Arrays.copyOfRange(body, 32, 36));
        assertArrayEquals(PEER.toArray(), Arrays.copyOfRange(body, 36, 68));
        assertArrayEquals(sig(), Arrays.copyOfRange(body, 68, 164));
        assertEquals(new StoreMelted(STORE, 123_456, PEER, sig()), StoreMelted.decode(body));
    }

    @Test
    void theVectorDecodes() {
        byte[] body = Vectors.get("holdings.txt", "store-melted");
        StoreMelted m = StoreMelted.decode(body);
        assertEquals(123_456, m.meltHeight());
        assertArrayEquals(body, m.encode());
    }

    @Test
    void anyOtherLengthIsRefused() {
        byte[] body = new StoreMelted(STORE, 1, PEER, sig()).encode();
        assertThrows(WireException.class, () -> StoreMelted.decode(Arrays.copyOf(body, 163)));
        assertThrows(WireException.class, () -> StoreMelted.decode(Arrays.copyOf(body, 165)));
        assertThrows(WireException.class, () -> StoreMelted.decode(new byte[] {0}));
    }

    @Test
    void thePreimageIsDomainSeparatedAndHeightBound() {
        assertNotEquals(StoreMelted.preimage(STORE, 1), StoreMelted.preimage(STORE, 2));
        assertEquals(Sha256.hash("dig:store-melted:v1".getBytes(), STORE.toArray(), new byte[] {0, 0, 0, 7}), StoreMelted.preimage(STORE, 7));
    }
}
