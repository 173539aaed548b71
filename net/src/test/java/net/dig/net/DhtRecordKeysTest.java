package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.gossip.DhtAddress;
import net.dig.gossip.PeerId;
import net.dig.gossip.ProviderRecord;
import net.dig.gossip.ProviderSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Provider records signed with a TLS leaf key: the signature carries the key, whose hash must be the provider. */
@Timeout(30)
class DhtRecordKeysTest {
    private static final Bytes32 KEY = ProviderRecord.storeKey(Sha256.hash(new byte[] {7}));
    private static final List<DhtAddress> AT = List.of(new DhtAddress("127.0.0.1", 9444, DhtAddress.KIND_DIRECT));

    private static ProviderRecord signedBy(TlsIdentity tls, PeerId provider) {
        return ProviderRecord.signed(KEY, provider, AT, 1_764_633_600_000L, tls.providerSigner().orElseThrow());
    }

    @Test
    void aLeafSignedRecordVerifiesAndCarriesTheCompressedKey() {
        TlsIdentity tls = TlsIdentity.ephemeral(net.dig.core.Clock.system());
        ProviderRecord r = signedBy(tls, new PeerId(tls.peerId()));
        assertThat(r.signature()).hasSize(DhtRecordKeys.SIGNATURE_BYTES).startsWith((byte) DhtRecordKeys.SCHEME_P256);
        assertThat(DhtRecordKeys.verify(r)).isTrue();
    }

    @Test
    void anyChangeToTheRecordOrTheSignatureFailsVerification() {
        TlsIdentity tls = TlsIdentity.ephemeral(net.dig.core.Clock.system());
        PeerId self = new PeerId(tls.peerId());
        ProviderRecord r = signedBy(tls, self);
        byte[] sig = r.signature();
        assertThat(DhtRecordKeys.verify(new ProviderRecord(KEY, self, AT, r.expiresAtMillis() + 1, sig))).isFalse();
        assertThat(DhtRecordKeys.verify(new ProviderRecord(KEY, self, List.of(), r.expiresAtMillis(), sig))).isFalse();
        for (int i = 0; i < sig.length; i++) {
            byte[] flipped = sig.clone();
            flipped[i] ^= 0x01;
            assertThat(DhtRecordKeys.verify(new ProviderRecord(KEY, self, AT, r.expiresAtMillis(), flipped))).as("byte %d", i).isFalse();
        }
        assertThat(DhtRecordKeys.verify(new ProviderRecord(KEY, self, AT, r.expiresAtMillis(), new byte[0]))).isFalse();
        assertThat(DhtRecordKeys.verify(new ProviderRecord(KEY, self, AT, r.expiresAtMillis(), new byte[128]))).isFalse();
    }

    @Test
    void aRecordSignedWithOneKeyForAnotherPeerIdFails() {
        TlsIdentity signer = TlsIdentity.ephemeral(net.dig.core.Clock.system());
        TlsIdentity other = TlsIdentity.ephemeral(net.dig.core.Clock.system());
        assertThat(DhtRecordKeys.verify(signedBy(signer, new PeerId(other.peerId())))).isFalse();
    }

    @Test
    void compressionRoundTripsAndRejectsAnXOffTheCurve() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 20; i++) {
            ECPublicKey pub = (ECPublicKey) g.generateKeyPair().getPublic();
            assertThat(DhtRecordKeys.decompress(DhtRecordKeys.compress(pub.getW()))).contains(pub.getW());
        }
        int offCurve = 0;
        for (int x = 0; x < 64; x++) {
            byte[] encoded = new byte[33];
            encoded[0] = 0x02;
            encoded[32] = (byte) x;
            offCurve += DhtRecordKeys.decompress(encoded).isEmpty() ? 1 : 0;
        }
        assertThat(offCurve).as("about half of all x have no point").isBetween(10, 54);
        byte[] badPrefix = new byte[33];
        badPrefix[0] = 0x04;
        assertThat(DhtRecordKeys.decompress(badPrefix)).isEmpty();
    }

    @Test
    void onlyP256KeysCanSign() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair pair = rsa.generateKeyPair();
        assertThat(DhtRecordKeys.signer(pair.getPrivate(), pair.getPublic())).isEmpty();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair p384 = ec.generateKeyPair();
        assertThat(DhtRecordKeys.signer(p384.getPrivate(), p384.getPublic())).isEmpty();
        KeyPair p256 = keyPair();
        ProviderSigner signer = DhtRecordKeys.signer(p256.getPrivate(), p256.getPublic()).orElseThrow();
        PeerId id = new PeerId(Sha256.hash(p256.getPublic().getEncoded()));
        assertThat(DhtRecordKeys.verify(ProviderRecord.signed(KEY, id, AT, 5, signer))).isTrue();
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        return ec.generateKeyPair();
    }
}
