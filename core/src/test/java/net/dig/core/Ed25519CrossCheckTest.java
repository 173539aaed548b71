package net.dig.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeIdentity} (Bouncy Castle's RFC 8032 Ed25519) against the JDK's {@code Ed25519} provider:
 * the same public key for a seed, the same key for a {@link SecureRandom}, byte-identical signatures,
 * each side verifying the other's, and both refusing tampered and malformed input (docs/decisions.md D66a).
 */
class Ed25519CrossCheckTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] X509_PREFIX = HEX.parseHex("302a300506032b6570032100");
    /** The group order L = 2^252 + 27742317777372353535851937790883648493. */
    private static final BigInteger ORDER = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    /** The base point B (RFC 8032 encoding). */
    private static final byte[] BASE = HEX.parseHex("5866666666666666666666666666666666666666666666666666666666666666");
    private static final int[] MESSAGE_LENGTHS = {0, 1, 31, 32, 33, 63, 64, 65, 127, 128, 1000, 4096, 92_328};

    @Test
    void keysAndSignaturesAreByteIdenticalAndVerifyBothWaysOnFiftyTwoKeys() throws Exception {
        SplittableRandom random = new SplittableRandom(66);
        int checked = 0;
        for (int i = 0; i < 52; i++) {
            byte[] seed = Sha256.hash(("cross-check key " + i).getBytes(StandardCharsets.US_ASCII)).toArray();
            byte[] message = new byte[MESSAGE_LENGTHS[i % MESSAGE_LENGTHS.length]];
            random.nextBytes(message);
            NodeIdentity bc = NodeIdentity.fromSeed(seed);
            byte[] publicKey = bc.publicKey();
            assertThat(publicKey).as("public key %d", i).isEqualTo(jdkPublicKey(seed));

            byte[] bcSig = bc.sign(message);
            byte[] jdkSig = jdkSign(seed, message);
            assertThat(bcSig).as("signature %d", i).isEqualTo(jdkSig);
            assertThat(NodeIdentity.verify(publicKey, message, jdkSig)).as("ours accepts the JDK's %d", i).isTrue();
            assertThat(jdkVerify(publicKey, message, bcSig)).as("the JDK accepts ours %d", i).isTrue();

            byte[] tampered = bcSig.clone();
            tampered[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
            assertThat(NodeIdentity.verify(publicKey, message, tampered)).as("tampered signature %d", i).isFalse();
            assertThat(jdkVerify(publicKey, message, tampered)).isFalse();
            if (message.length > 0) {
                byte[] other = message.clone();
                other[random.nextInt(other.length)] ^= 1;
                assertThat(NodeIdentity.verify(publicKey, other, bcSig)).as("tampered message %d", i).isFalse();
                assertThat(jdkVerify(publicKey, other, bcSig)).isFalse();
            }
            byte[] wrongKey = NodeIdentity.fromSeed(Sha256.hash(seed).toArray()).publicKey();
            assertThat(NodeIdentity.verify(wrongKey, message, bcSig)).as("another key %d", i).isFalse();
            checked++;
        }
        assertThat(checked).isEqualTo(52);
    }

    @Test
    void generateDrawsTheSameKeyAsTheJdkFromTheSameRandom() throws Exception {
        for (long s = 1; s <= 8; s++) { // not 0: SecureRandom.setSeed ignores a zero seed
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, NodeIdentityTest.seeded(s));
            KeyPair jdk = g.generateKeyPair();
            NodeIdentity ours = NodeIdentity.generate(NodeIdentityTest.seeded(s));
            assertThat(ours.publicKey()).isEqualTo(raw(jdk.getPublic()));
            assertThat(ours.encodeFile()).containsSequence(((EdECPrivateKey) jdk.getPrivate()).getBytes().orElseThrow());
        }
    }

    @Test
    void aScalarAtOrAboveTheGroupOrderIsRefused() throws Exception {
        byte[] seed = Sha256.hash("malleable".getBytes(StandardCharsets.US_ASCII)).toArray();
        byte[] message = "a message".getBytes(StandardCharsets.US_ASCII);
        NodeIdentity id = NodeIdentity.fromSeed(seed);
        byte[] sig = id.sign(message);
        byte[] plusOrder = withScalar(sig, scalar(sig).add(ORDER));
        assertThat(NodeIdentity.verify(id.publicKey(), message, plusOrder)).isFalse();
        assertThat(jdkVerify(id.publicKey(), message, plusOrder)).isFalse();
        byte[] allOnes = sig.clone();
        Arrays.fill(allOnes, 32, 64, (byte) 0xff);
        assertThat(NodeIdentity.verify(id.publicKey(), message, allOnes)).isFalse();
        assertThat(jdkVerify(id.publicKey(), message, allOnes)).isFalse();
    }

    @Test
    void aNonCanonicalCommitmentIsRefused() throws Exception {
        NodeIdentity id = NodeIdentity.fromSeed(new byte[32]);
        byte[] message = {1, 2, 3};
        byte[] sig = id.sign(message);
        byte[] r = sig.clone();
        byte[] p = littleEndian(BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19)));
        System.arraycopy(p, 0, r, 0, 32); // y = p, the non-canonical encoding of y = 0
        assertThat(NodeIdentity.verify(id.publicKey(), message, r)).isFalse();
        assertThat(jdkVerify(id.publicKey(), message, r)).isFalse();
    }

    /**
     * The identity point as public key: {@code R = B, S = 1} satisfies {@code [S]B = R + [k]A} for every
     * message. Ours refuses it, in its canonical encoding ({@code y = 1}) and its non-canonical one
     * ({@code y = p + 1}); this is where it is stricter than the JDK, which accepts the canonical one.
     */
    @Test
    void aSmallOrderPublicKeyAndItsTrivialForgeryAreRefused() throws Exception {
        byte[] identity = littleEndian(BigInteger.ONE);
        byte[] nonCanonicalIdentity = littleEndian(BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(18)));
        byte[] forgery = new byte[64];
        System.arraycopy(BASE, 0, forgery, 0, 32);
        forgery[32] = 1;
        byte[] message = "anything at all".getBytes(StandardCharsets.US_ASCII);
        assertThat(NodeIdentity.verify(identity, message, forgery)).isFalse();
        assertThat(NodeIdentity.verify(nonCanonicalIdentity, message, forgery)).isFalse();
        assertThat(jdkVerify(identity, message, forgery)).as("the JDK's answer for the canonical identity key").isTrue();
    }

    @Test
    void badLengthsAndMissingInputsAreRefused() {
        NodeIdentity id = NodeIdentity.fromSeed(new byte[32]);
        byte[] message = {9};
        byte[] sig = id.sign(message);
        byte[] key = id.publicKey();
        assertThat(NodeIdentity.verify(key, message, sig)).isTrue();
        assertThat(NodeIdentity.verify(Arrays.copyOf(key, 31), message, sig)).isFalse();
        assertThat(NodeIdentity.verify(Arrays.copyOf(key, 33), message, sig)).isFalse();
        assertThat(NodeIdentity.verify(key, message, Arrays.copyOf(sig, 63))).isFalse();
        assertThat(NodeIdentity.verify(key, message, Arrays.copyOf(sig, 65))).isFalse();
        assertThat(NodeIdentity.verify(null, message, sig)).isFalse();
        assertThat(NodeIdentity.verify(key, null, sig)).isFalse();
        assertThat(NodeIdentity.verify(key, message, null)).isFalse();
        assertThat(NodeIdentity.verify(new byte[32], message, sig)).isFalse();
    }

    private static byte[] jdkPublicKey(byte[] seed) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(NamedParameterSpec.ED25519, new FixedBytesRandom(seed));
        return raw(g.generateKeyPair().getPublic());
    }

    private static byte[] jdkSign(byte[] seed, byte[] message) throws GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(message);
        return s.sign();
    }

    private static boolean jdkVerify(byte[] publicKey, byte[] message, byte[] sig) throws GeneralSecurityException {
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
        System.arraycopy(publicKey, 0, der, X509_PREFIX.length, 32);
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(message);
        try {
            return s.verify(sig);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }

    private static byte[] raw(PublicKey key) {
        byte[] der = key.getEncoded();
        assertThat(Arrays.copyOf(der, X509_PREFIX.length)).isEqualTo(X509_PREFIX);
        return Arrays.copyOfRange(der, X509_PREFIX.length, der.length);
    }

    private static BigInteger scalar(byte[] sig) {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = sig[63 - i];
        }
        return new BigInteger(1, be);
    }

    private static byte[] withScalar(byte[] sig, BigInteger s) {
        byte[] out = sig.clone();
        System.arraycopy(littleEndian(s), 0, out, 32, 32);
        return out;
    }

    private static byte[] littleEndian(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    /** Hands out the given bytes: the JDK offers no seed-to-public-key derivation, its generator does it. */
    private static final class FixedBytesRandom extends SecureRandom {
        private final byte[] bytes;

        FixedBytesRandom(byte[] bytes) {
            super(new byte[0]);
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            assertThat(out).hasSameSizeAs(bytes);
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
