package net.dig.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * The TLS half of a {@link NodePayload.NodeAnnouncement}'s binding: the TLS leaf key signs
 * {@code "dig:node-binding:v1" ‖ Ed25519 public key (32 bytes)}, so a node key cannot be claimed by a TLS
 * identity that does not hold it, nor a PeerId by a node key whose TLS key did not agree. EC leaves sign
 * with SHA256withECDSA (DER signature), RSA leaves with SHA256withRSA (PKCS#1 v1.5). Stateless.
 */
public final class TlsBinding {
    private static final byte[] TAG = "dig:node-binding:v1".getBytes(StandardCharsets.US_ASCII);

    private TlsBinding() {}

    /** The bytes the TLS leaf key signs for {@code ed25519PublicKey}. */
    public static byte[] message(byte[] ed25519PublicKey) {
        if (ed25519PublicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, not " + ed25519PublicKey.length);
        }
        byte[] out = Arrays.copyOf(TAG, TAG.length + 32);
        System.arraycopy(ed25519PublicKey, 0, out, TAG.length, 32);
        return out;
    }

    /** The TLS leaf key's signature binding it to {@code ed25519PublicKey}. */
    public static byte[] sign(PrivateKey tlsKey, byte[] ed25519PublicKey) {
        try {
            Signature s = Signature.getInstance(algorithm(tlsKey.getAlgorithm()));
            s.initSign(tlsKey);
            s.update(message(ed25519PublicKey));
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the node binding with a " + tlsKey.getAlgorithm() + " key", e);
        }
    }

    /** True iff {@code signature} is by the key in {@code spkiDer} over {@link #message}; false for any malformed input. */
    public static boolean verify(byte[] spkiDer, byte[] ed25519PublicKey, byte[] signature) {
        if (ed25519PublicKey.length != 32) {
            return false;
        }
        for (String keyType : new String[] {"EC", "RSA"}) {
            PublicKey key;
            try {
                key = KeyFactory.getInstance(keyType).generatePublic(new X509EncodedKeySpec(spkiDer));
            } catch (GeneralSecurityException | RuntimeException notThisType) {
                continue;
            }
            try {
                Signature s = Signature.getInstance(algorithm(keyType));
                s.initVerify(key);
                s.update(message(ed25519PublicKey));
                return s.verify(signature);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    private static String algorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("TLS keys are EC or RSA, not " + keyAlgorithm);
        };
    }
}
