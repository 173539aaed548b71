package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TlsBindingTest {
    private static final byte[] NODE_KEY = NodeMessageCodecTest.seq(32, 1);
    private static final byte[] OTHER_KEY = NodeMessageCodecTest.seq(32, 2);

    @Test
    void anEcLeafBindsItsNodeKeyAndNoOther() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        checkBinding(g.generateKeyPair(), g.generateKeyPair());
    }

    @Test
    void anRsaLeafBindsItsNodeKeyAndNoOther() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        checkBinding(g.generateKeyPair(), g.generateKeyPair());
    }

    private static void checkBinding(KeyPair leaf, KeyPair stranger) {
        byte[] spki = leaf.getPublic().getEncoded();
        byte[] signature = TlsBinding.sign(leaf.getPrivate(), NODE_KEY);
        assertThat(TlsBinding.verify(spki, NODE_KEY, signature)).isTrue();
        assertThat(TlsBinding.verify(spki, OTHER_KEY, signature)).as("another node key").isFalse();
        assertThat(TlsBinding.verify(stranger.getPublic().getEncoded(), NODE_KEY, signature)).as("another TLS key").isFalse();
        byte[] flipped = signature.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThat(TlsBinding.verify(spki, NODE_KEY, flipped)).isFalse();
        assertThat(TlsBinding.verify(new byte[] {1, 2, 3}, NODE_KEY, signature)).as("not a key").isFalse();
        assertThat(TlsBinding.verify(spki, new byte[31], signature)).isFalse();
    }

    @Test
    void theSignedBytesAreTheDomainTagAndTheNodeKey() {
        byte[] m = TlsBinding.message(NODE_KEY);
        assertThat(new String(m, 0, 19, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("dig:node-binding:v1");
        assertThat(java.util.Arrays.copyOfRange(m, 19, m.length)).isEqualTo(NODE_KEY);
    }
}
