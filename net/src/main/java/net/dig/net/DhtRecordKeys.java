package net.dig.net;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECField;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Optional;
import net.dig.core.Sha256;
import net.dig.gossip.ProviderRecord;
import net.dig.gossip.ProviderSigner;
import net.dig.gossip.ProviderVerifier;

/**
 * Signs and checks provider records with the TLS leaf key, the key behind a PeerId (docs/decisions.md D40a).
 * A record names its provider only by PeerId = SHA-256(SubjectPublicKeyInfo), so the signature carries the
 * key it was made with, compressed to fit {@link ProviderRecord#MAX_SIGNATURE_BYTES}:
 * <pre>
 *   offset  size  field
 *   0       1     scheme = 1 (ECDSA P-256, SHA-256)
 *   1       33    public key, SEC1 compressed point (0x02 | 0x03, x)
 *   34      64    signature r || s, 32 bytes each, big-endian (IEEE P1363)
 * </pre>
 * The verifier decompresses the point (rejecting an x with no point on the curve), rebuilds the
 * SubjectPublicKeyInfo, requires its SHA-256 to be the record's provider and then checks the signature over
 * {@link ProviderRecord#signedBytes()}. Only P-256 leaves can sign (what {@link CertificateIssuer} issues); a
 * node with another leaf key announces nothing ({@link #signer} is empty). Thread-safe; never throws on a
 * malformed signature.
 */
final class DhtRecordKeys {
    static final int SCHEME_P256 = 1;
    static final int SIGNATURE_BYTES = 98;
    private static final String ALGORITHM = "SHA256withECDSAinP1363Format";

    private DhtRecordKeys() {}

    /** A signer with {@code key} whose public half is {@code publicKey}, if it is a P-256 key. */
    static Optional<ProviderSigner> signer(PrivateKey key, PublicKey publicKey) {
        if (!(publicKey instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256
                || !ec.getParams().getCurve().getB().equals(P256.getCurve().getB())) {
            return Optional.empty();
        }
        byte[] compressed = compress(ec.getW());
        return Optional.of(bytes -> {
            try {
                Signature s = Signature.getInstance(ALGORITHM);
                s.initSign(key);
                s.update(bytes);
                byte[] rs = s.sign();
                byte[] out = new byte[SIGNATURE_BYTES];
                out[0] = SCHEME_P256;
                System.arraycopy(compressed, 0, out, 1, 33);
                System.arraycopy(rs, 0, out, 34, 64);
                return out;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign a provider record with the TLS key", e);
            }
        });
    }

    static final ProviderVerifier VERIFIER = DhtRecordKeys::verify;

    static boolean verify(ProviderRecord record) {
        byte[] sig = record.signature();
        if (sig.length != SIGNATURE_BYTES || sig[0] != SCHEME_P256) {
            return false;
        }
        try {
            Optional<ECPoint> point = decompress(Arrays.copyOfRange(sig, 1, 34));
            if (point.isEmpty()) {
                return false;
            }
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point.get(), P256));
            if (!Sha256.hash(key.getEncoded()).equals(record.provider().value())) {
                return false;
            }
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(record.signedBytes());
            return s.verify(Arrays.copyOfRange(sig, 34, SIGNATURE_BYTES));
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static final ECParameterSpec P256 = p256();

    private static ECParameterSpec p256() {
        try {
            var parameters = java.security.AlgorithmParameters.getInstance("EC");
            parameters.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks P-256", e);
        }
    }

    static byte[] compress(ECPoint w) {
        byte[] out = new byte[33];
        out[0] = (byte) (w.getAffineY().testBit(0) ? 0x03 : 0x02);
        byte[] x = w.getAffineX().toByteArray();
        int n = Math.min(x.length, 32);
        System.arraycopy(x, x.length - n, out, 33 - n, n);
        return out;
    }

    static Optional<ECPoint> decompress(byte[] encoded) {
        if (encoded.length != 33 || (encoded[0] != 0x02 && encoded[0] != 0x03)) {
            return Optional.empty();
        }
        ECField field = P256.getCurve().getField();
        BigInteger p = ((ECFieldFp) field).getP();
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(encoded, 1, 33));
        if (x.compareTo(p) >= 0) {
            return Optional.empty();
        }
        BigInteger rhs = x.pow(3).add(P256.getCurve().getA().multiply(x)).add(P256.getCurve().getB()).mod(p);
        BigInteger y = rhs.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
        if (!y.multiply(y).mod(p).equals(rhs)) {
            return Optional.empty();
        }
        if (y.testBit(0) != (encoded[0] == 0x03)) {
            y = p.subtract(y);
        }
        return Optional.of(new ECPoint(x, y));
    }
}
