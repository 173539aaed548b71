package net.dig.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for TLS tests: one network CA, and leaves (good, expired, or signed by a rogue CA)
 * written as PEM files under a test directory. Certificates are ECDSA P-256 with
 * {@code extendedKeyUsage = serverAuth, clientAuth}, the shape dig-net issues itself.
 *
 * <p>Validity windows are computed from the {@code now} given at construction, so tests stay
 * independent of the machine clock except where TLS itself reads it (the JDK's certificate checks).
 */
public final class TestPki {
    private final Path dir;
    private final Instant now;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger counter = new AtomicInteger();

    /** A network CA valid around {@code now}, written to {@code dir/network-ca.crt} and {@code .key}. */
    public TestPki(Path dir, Instant now) {
        this.dir = dir;
        this.now = now;
        this.caKeys = newKeys();
        this.ca = caCertificate("Test Network CA", caKeys);
        write(caCertificatePath(), pem(ca));
        write(caKeyPath(), pem(caKeys.getPrivate()));
    }

    public Path caCertificatePath() {
        return dir.resolve("network-ca.crt");
    }

    public Path caKeyPath() {
        return dir.resolve("network-ca.key");
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    /** A certificate/key pair on disk. */
    public record LeafFiles(Path certificate, Path privateKey, X509Certificate x509) {}

    /** A valid leaf signed by the network CA. */
    public LeafFiles leaf() {
        return leaf(caKeys.getPrivate(), ca, now.minusSeconds(86_400), now.plusSeconds(86_400L * 365 * 50));
    }

    /** A leaf signed by the network CA whose validity ended yesterday. */
    public LeafFiles expiredLeaf() {
        return leaf(caKeys.getPrivate(), ca, now.minusSeconds(86_400L * 30), now.minusSeconds(86_400));
    }

    /** A leaf signed by a different, self-made CA that the network does not trust. */
    public LeafFiles rogueLeaf() {
        KeyPair rogueKeys = newKeys();
        X509Certificate rogueCa = caCertificate("Rogue CA", rogueKeys);
        return leaf(rogueKeys.getPrivate(), rogueCa, now.minusSeconds(86_400), now.plusSeconds(86_400L * 365 * 50));
    }

    private LeafFiles leaf(PrivateKey issuerKey, X509Certificate issuer, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeys();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                    new BigInteger(64, random).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    new X500Name("CN=Test Node, O=DIG Test"), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
            int n = counter.incrementAndGet();
            Path certPath = dir.resolve("leaf-" + n + ".crt");
            Path keyPath = dir.resolve("leaf-" + n + ".key");
            write(certPath, pem(cert));
            write(keyPath, pem(keys.getPrivate()));
            return new LeafFiles(certPath, keyPath, cert);
        } catch (Exception e) {
            throw new IllegalStateException("test PKI: cannot issue leaf", e);
        }
    }

    private X509Certificate caCertificate(String name, KeyPair keys) {
        try {
            X500Name subject = new X500Name("CN=" + name + ", O=DIG Test");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
                    Date.from(now.minusSeconds(86_400)), Date.from(now.plusSeconds(86_400L * 365 * 60)), subject, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("test PKI: cannot make CA", e);
        }
    }

    private KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static void write(Path path, String text) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
