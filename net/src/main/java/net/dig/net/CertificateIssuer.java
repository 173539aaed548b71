package net.dig.net;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the X.509 certificates of the P2P identity with BouncyCastle: a network CA and leaf
 * certificates signed by it, in the shape Chia uses (docs/formats/wire.md).
 *
 * <p>Leaves are ECDSA P-256 (docs/architecture.md §4.5 allows it or RSA-2048; P-256 generates in a millisecond
 * and handshakes faster), carry {@code extendedKeyUsage = serverAuth, clientAuth} because every
 * connection is mutual TLS, the SAN {@code DNS:peer.dig} (nobody checks host names: identity is the
 * PeerId), and are valid from one day before {@code now} until 2100-08-02, as Chia's leaves are.
 * Key generation and serial numbers use {@link SecureRandom}: these are secrets, not protocol
 * decisions, so they are deliberately not driven by an injected generator.
 */
final class CertificateIssuer {
    static final Instant LEAF_NOT_AFTER = ZonedDateTime.of(2100, 8, 2, 0, 0, 0, 0, ZoneOffset.UTC).toInstant();
    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final Duration CA_LIFETIME = Duration.ofDays(365L * 30);

    private final SecureRandom random = new SecureRandom();

    KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate P-256 keys", e);
        }
    }

    /** A self-signed CA certificate ({@code CA:TRUE}, keyCertSign) for {@code keys}. */
    X509Certificate selfSignedCa(String commonName, KeyPair keys, Instant now) {
        X500Name name = new X500Name("CN=" + commonName + ", O=DIG Network");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                name, serial(), Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_LIFETIME)), name, keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return sign(builder, keys.getPrivate());
    }

    /** A leaf for {@code leafKeys} signed by the CA, valid from {@code notBefore} to {@code notAfter}. */
    X509Certificate leaf(X509Certificate ca, PrivateKey caKey, KeyPair leafKeys, Instant notBefore, Instant notAfter) {
        X500Name issuer = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
        X500Name subject = new X500Name("CN=DIG Node, O=DIG Network");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer, serial(), Date.from(notBefore), Date.from(notAfter), subject, leafKeys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "peer.dig")));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return sign(builder, caKey);
    }

    X509Certificate leaf(X509Certificate ca, PrivateKey caKey, KeyPair leafKeys, Instant now) {
        return leaf(ca, caKey, leafKeys, now.minus(BACKDATE), LEAF_NOT_AFTER);
    }

    private BigInteger serial() {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) {
        String algorithm = switch (signingKey.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported CA key algorithm " + signingKey.getAlgorithm());
        };
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(algorithm).build(signingKey)));
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("could not sign certificate: " + e.getMessage(), e);
        }
    }
}
