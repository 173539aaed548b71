package net.dig.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.wire.HoldingsAnnounce.Add;
import net.dig.wire.HoldingsAnnounce.Address;
import net.dig.wire.HoldingsAnnounce.Change;
import net.dig.wire.HoldingsAnnounce.Failure;
import net.dig.wire.HoldingsAnnounce.Remove;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HoldingsAnnounceTest {
    private static Bytes32 filled(int b) {
        byte[] a = new byte[32];
        Arrays.fill(a, (byte) b);
        return Bytes32.wrap(a);
    }

    private static List<Change> layoutChanges() {
        return List.of(new Add(filled(0x33), List.of(new Address("2001:db8::dig", 9256)), 0x5000_0000L), new Remove(filled(0x44)));
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static HoldingsAnnounce signed(KeyPair k, List<Change> changes) {
        return HoldingsAnnounce.sign(k.getPrivate(), k.getPublic().getEncoded(), 7, 1_700_000_000L, changes);
    }

    @Test
    void signingMessageLayoutMatchesTheVector() {
        byte[] message = HoldingsAnnounce.signingMessage(filled(0x11), 0x0102_0304L, 0x0A0B_0C0DL, layoutChanges());
        assertArrayEquals(Vectors.get("holdings.txt", "signing-message-layout-sha256"), Sha256.hash(message).toArray());
        assertArrayEquals("dig:holdings:v1".getBytes(), Arrays.copyOf(message, 15));
    }

    @Test
    void theCommittedBodyDecodesVerifiesAndReencodesByteForByte() {
        byte[] body = Vectors.get("holdings.txt", "announce-add-remove");
        HoldingsAnnounce a = HoldingsAnnounce.decode(body);
        assertNull(a.check());
        assertEquals(2, a.changes().size());
        assertEquals(new Remove(filled(0x44)), a.changes().get(1));
        assertEquals(HoldingsAnnounce.peerIdOf(a.providerSpki()), a.claimedPeerId());
        assertArrayEquals(body, a.encode());
    }

    @Test
    void aFreshAnnouncementRoundTripsAndVerifies() throws Exception {
        HoldingsAnnounce a = signed(p256(), layoutChanges());
        HoldingsAnnounce back = HoldingsAnnounce.decode(a.encode());
        assertEquals(a, back);
        assertNull(back.check());
        assertEquals(64, back.providerPeerId().length());
    }

    @Test
    void tamperedFieldsFailTheSignature() throws Exception {
        HoldingsAnnounce a = signed(p256(), layoutChanges());
        HoldingsAnnounce seq = new HoldingsAnnounce(a.providerPeerId(), a.providerSpki(), a.seq() + 1, a.announcedAt(), a.changes(), a.signature());
        assertEquals(Failure.BAD_SIGNATURE, seq.check());
        List<Change> moved = List.of(new Add(filled(0x33), List.of(new Address("2001:db8::dig", 1)), 0x5000_0000L), new Remove(filled(0x44)));
        assertEquals(Failure.BAD_SIGNATURE, new HoldingsAnnounce(a.providerPeerId(), a.providerSpki(), a.seq(), a.announcedAt(), moved, a.signature()).check());
        byte[] junk = new byte[72];
        Arrays.fill(junk, (byte) 0xFF);
        assertEquals(Failure.BAD_SIGNATURE, new HoldingsAnnounce(a.providerPeerId(), a.providerSpki(), a.seq(), a.announcedAt(), a.changes(), junk).check());
    }

    @Test
    void aSignatureByAnotherKeyUnderAVictimsIdentityFails() throws Exception {
        KeyPair victim = p256();
        KeyPair attacker = p256();
        HoldingsAnnounce forged = signed(attacker, layoutChanges());
        HoldingsAnnounce grafted = new HoldingsAnnounce(
                HexFormat.of().formatHex(HoldingsAnnounce.peerIdOf(victim.getPublic().getEncoded()).toArray()),
                victim.getPublic().getEncoded(), forged.seq(), forged.announcedAt(), forged.changes(), forged.signature());
        assertEquals(Failure.BAD_SIGNATURE, grafted.check());
    }

    @Test
    void peerIdAndKeyAreChecked() throws Exception {
        HoldingsAnnounce a = signed(p256(), layoutChanges());
        assertEquals(Failure.PEER_ID_MISMATCH, new HoldingsAnnounce("ab".repeat(32), a.providerSpki(), a.seq(), a.announcedAt(), a.changes(), a.signature()).check());
        assertEquals(Failure.BAD_PEER_ID, new HoldingsAnnounce("not-hex", a.providerSpki(), a.seq(), a.announcedAt(), a.changes(), a.signature()).check());
        assertEquals(Failure.BAD_PEER_ID, new HoldingsAnnounce(a.providerPeerId().toUpperCase(), a.providerSpki(), a.seq(), a.announcedAt(), a.changes(), a.signature()).check());
        byte[] odd = {1, 2, 3};
        String oddId = HexFormat.of().formatHex(HoldingsAnnounce.peerIdOf(odd).toArray());
        assertEquals(Failure.BAD_KEY, new HoldingsAnnounce(oddId, odd, 1, 2, a.changes(), a.signature()).check());
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        byte[] rsaSpki = rsa.generateKeyPair().getPublic().getEncoded();
        String rsaId = HexFormat.of().formatHex(HoldingsAnnounce.peerIdOf(rsaSpki).toArray());
        assertEquals(Failure.BAD_KEY, new HoldingsAnnounce(rsaId, rsaSpki, 1, 2, a.changes(), a.signature()).check());
    }

    @Test
    void sizeBoundsAreCheckedBeforeTheSignature() throws Exception {
        KeyPair k = p256();
        HoldingsAnnounce a = signed(k, layoutChanges());
        List<Change> many = new ArrayList<>();
        for (int i = 0; i <= HoldingsAnnounce.MAX_CHANGES; i++) {
            many.add(new Remove(filled(i & 0xFF)));
        }
        assertThrows(IllegalArgumentException.class, () -> signed(k, many));
        assertEquals(Failure.TOO_MANY_CHANGES, new HoldingsAnnounce(a.providerPeerId(), a.providerSpki(), 1, 2, many, a.signature()).check());
        List<Address> addresses = new ArrayList<>();
        for (int i = 0; i <= HoldingsAnnounce.MAX_ADDRESSES_PER_CHANGE; i++) {
            addresses.add(new Address("::1", 1));
        }
        assertEquals(Failure.TOO_MANY_ADDRESSES, new HoldingsAnnounce(a.providerPeerId(), a.providerSpki(), 1, 2,
                List.of(new Add(filled(0), addresses, 1)), a.signature()).check());
        assertEquals(Failure.HOST_TOO_LONG, new HoldingsAnnounce(a.providerPeerId(), a.providerSpki(), 1, 2,
                List.of(new Add(filled(0), List.of(new Address("h".repeat(254), 1)), 1)), a.signature()).check());
        List<Address> fat = new ArrayList<>();
        for (int i = 0; i < HoldingsAnnounce.MAX_ADDRESSES_PER_CHANGE; i++) {
            fat.add(new Address("h".repeat(HoldingsAnnounce.MAX_HOST_BYTES), 1));
        }
        List<Change> big = new ArrayList<>();
        for (int i = 0; i < HoldingsAnnounce.MAX_CHANGES; i++) {
            big.add(new Add(filled(i & 0xFF), fat, 1));
        }
        assertEquals(Failure.TOO_LARGE, new HoldingsAnnounce(a.providerPeerId(), a.providerSpki(), 1, 2, big, a.signature()).check());
        List<Change> full = new ArrayList<>();
        for (int i = 0; i < HoldingsAnnounce.MAX_CHANGES; i++) {
            full.add(new Add(filled(i & 0xFF), List.of(new Address("2001:db8::1", 9256), new Address("10.0.0.1", 9256)), 1_800_000_000L));
        }
        assertNull(HoldingsAnnounce.decode(signed(k, full).encode()).check());
    }

    @Test
    void malformedBodiesAreTypedErrors() throws Exception {
        byte[] body = signed(p256(), layoutChanges()).encode();
        assertThrows(WireException.class, () -> HoldingsAnnounce.decode(Arrays.copyOf(body, body.length - 1)));
        assertThrows(WireException.class, () -> HoldingsAnnounce.decode(Arrays.copyOf(body, body.length + 1)));
        assertThrows(WireException.class, () -> HoldingsAnnounce.decode(new byte[0]));
        int kindAt = 2 + 64 + 2 + 91 + 8 + 8 + 2;
        byte[] badKind = body.clone();
        badKind[kindAt] = 3;
        assertThrows(WireException.class, () -> HoldingsAnnounce.decode(badKind));
        byte[] tooMany = body.clone();
        tooMany[kindAt - 2] = 0x01;
        tooMany[kindAt - 1] = 0x01;
        assertThrows(WireException.class, () -> HoldingsAnnounce.decode(tooMany));
        assertThrows(WireException.class, () -> HoldingsAnnounce.decode(new byte[HoldingsAnnounce.MAX_FRAME_BYTES + 1]));
        byte[] manyAddresses = body.clone();
        manyAddresses[kindAt + 1 + 32] = 0;
        manyAddresses[kindAt + 1 + 32 + 1] = 33;
        WireException refused = assertThrows(WireException.class, () -> HoldingsAnnounce.decode(manyAddresses));
        assertEquals(kindAt + 1 + 32 + 2, refused.offset(), "33 addresses are refused at the count, before reading any");
    }
}
