package net.dig.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import net.dig.core.Bytes32;
import net.dig.core.Clock;

/**
 * The node's P2P TLS identity: a leaf certificate and key, the CA certificates it trusts, and the
 * PeerId derived from the leaf.
 *
 * <h2>What and why</h2>
 * Every P2P connection is mutual TLS 1.3 (docs/formats/wire.md). The PeerId is
 * {@code SHA-256(SubjectPublicKeyInfo DER)} of the leaf, as dig-gossip computes it (§2.3); note that
 * Chia's own node id hashes the whole certificate DER instead, so it changes when a certificate is
 * re-issued with the same key while a PeerId does not.
 *
 * <h2>Files ({@link #loadOrCreate})</h2>
 * <pre>
 *   &lt;dir&gt;/node.crt  leaf certificate (PEM)            0644
 *   &lt;dir&gt;/node.key  leaf private key (PEM, PKCS#8)     0600
 *   &lt;dir&gt;/ca.crt    this node's own CA (only when no network CA is configured)  0644
 *   &lt;dir&gt;/ca.key    its private key                                             0600
 * </pre>
 * On first start the leaf is issued by the configured network CA (Chia's model: the operator points
 * at the network's CA files, e.g. Chia's {@code chia_ca.crt/.key}), or, without one, by a CA the node
 * generates for itself. Later starts load the same files, so the PeerId is stable until a PeerId rotation
 * writes a successor leaf from the same CA over them ({@link #renewed}, {@link PeerIdRotation}). Each file is
 * written atomically (temp, fsync, rename, fsync dir); the key is written before the certificate, so
 * a crash between the two leaves a key without a certificate, which the next start replaces.
 *
 * <h2>Trust</h2>
 * See {@link PeerTrust}. With {@link PeerTrust#NETWORK_CA} the trusted set is the network CA (or the
 * node's own CA) plus any extra CA certificates configured; peers whose leaves chain to none of them
 * fail the TLS handshake. Host names are never checked.
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsIdentity {
    static final String LEAF_CERT = "node.crt";
    static final String LEAF_KEY = "node.key";
    static final String OWN_CA_CERT = "ca.crt";
    static final String OWN_CA_KEY = "ca.key";

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final List<X509Certificate> trustedCas;
    private final Bytes32 peerId;
    private final Optional<Issuer> issuer;

    private TlsIdentity(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> trustedCas) {
        this(certificate, privateKey, trustedCas, Optional.empty());
    }

    private TlsIdentity(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> trustedCas,
            Optional<Issuer> issuer) {
        if (!publicKeyMatches(certificate, privateKey)) {
            throw new TlsIdentityException("the private key does not belong to the certificate " + certificate.getSubjectX500Principal());
        }
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.trustedCas = List.copyOf(trustedCas);
        this.peerId = peerIdOf(certificate);
        this.issuer = issuer;
    }

    /** An identity from certificates already in memory. */
    public static TlsIdentity of(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> trustedCas) {
        return new TlsIdentity(certificate, privateKey, trustedCas);
    }

    /** Loads a leaf and key from PEM files (e.g. Chia's {@code public_full_node.crt/.key}) and trusts the given CA files. */
    public static TlsIdentity fromFiles(Path certificatePem, Path keyPem, List<Path> trustedCaPems) {
        List<X509Certificate> cas = new ArrayList<>();
        for (Path ca : trustedCaPems) {
            cas.add(PemFiles.readCertificate(ca));
        }
        return new TlsIdentity(PemFiles.readCertificate(certificatePem), PemFiles.readPrivateKey(keyPem), cas);
    }

    /**
     * Loads the identity kept in {@code dir}, creating it on first use (see the class notes).
     *
     * @param networkCa the network CA certificate and key that issue the leaf, if the network has one
     */
    public static TlsIdentity loadOrCreate(Path dir, Optional<CaFiles> networkCa, Clock clock) {
        X509Certificate caCertificate;
        PrivateKey caKey;
        CertificateIssuer issuer = new CertificateIssuer();
        if (networkCa.isPresent()) {
            caCertificate = PemFiles.readCertificate(networkCa.get().certificate());
            caKey = PemFiles.readPrivateKey(networkCa.get().privateKey());
        } else if (Files.exists(dir.resolve(OWN_CA_CERT)) && Files.exists(dir.resolve(OWN_CA_KEY))) {
            caCertificate = PemFiles.readCertificate(dir.resolve(OWN_CA_CERT));
            caKey = PemFiles.readPrivateKey(dir.resolve(OWN_CA_KEY));
        } else {
            KeyPair caKeys = issuer.newEcKeyPair();
            caCertificate = issuer.selfSignedCa("DIG Node CA", caKeys, clock.instant());
            caKey = caKeys.getPrivate();
            PemFiles.writePrivateKey(dir.resolve(OWN_CA_KEY), caKey);
            PemFiles.writeCertificate(dir.resolve(OWN_CA_CERT), caCertificate);
        }
        Path leafCert = dir.resolve(LEAF_CERT);
        Path leafKey = dir.resolve(LEAF_KEY);
        Optional<Issuer> own = Optional.of(new Issuer(caCertificate, caKey));
        if (Files.exists(leafCert) && Files.exists(leafKey)) {
            return new TlsIdentity(PemFiles.readCertificate(leafCert), PemFiles.readPrivateKey(leafKey), List.of(caCertificate), own);
        }
        KeyPair leafKeys = issuer.newEcKeyPair();
        X509Certificate leaf = issuer.leaf(caCertificate, caKey, leafKeys, clock.instant());
        return new TlsIdentity(leaf, leafKeys.getPrivate(), List.of(caCertificate), own).storedIn(dir);
    }

    /**
     * A fresh leaf key and certificate from the same CA, trusting the same CAs: a new PeerId. Empty when this
     * identity was loaded from certificate files without the key of their CA ({@link #fromFiles}).
     */
    public Optional<TlsIdentity> renewed(Instant now) {
        return issuer.map(ca -> {
            CertificateIssuer certificates = new CertificateIssuer();
            KeyPair leafKeys = certificates.newEcKeyPair();
            return new TlsIdentity(certificates.leaf(ca.certificate(), ca.key(), leafKeys, now), leafKeys.getPrivate(),
                    trustedCas, issuer);
        });
    }

    /** True if {@link #renewed} can issue a successor (the key of the leaf's CA is known). */
    public boolean renewable() {
        return issuer.isPresent();
    }

    /**
     * Writes this leaf over {@code dir}'s {@code node.key} and {@code node.crt}: the old certificate is removed
     * first, so a crash part way leaves a key without a certificate (see the class notes), never a certificate
     * next to a key that is not its own.
     */
    TlsIdentity storedIn(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(LEAF_CERT));
        } catch (java.io.IOException e) {
            throw new TlsIdentityException("cannot replace " + dir.resolve(LEAF_CERT) + ": " + e.getMessage(), e);
        }
        PemFiles.writePrivateKey(dir.resolve(LEAF_KEY), privateKey);
        PemFiles.writeCertificate(dir.resolve(LEAF_CERT), certificate);
        return this;
    }

    /** A fresh identity kept only in memory, with its own CA (the seed's "auto-generate ephemeral"). */
    public static TlsIdentity ephemeral(Clock clock) {
        CertificateIssuer issuer = new CertificateIssuer();
        KeyPair caKeys = issuer.newEcKeyPair();
        X509Certificate ca = issuer.selfSignedCa("DIG Node CA", caKeys, clock.instant());
        KeyPair leafKeys = issuer.newEcKeyPair();
        return new TlsIdentity(issuer.leaf(ca, caKeys.getPrivate(), leafKeys, clock.instant()), leafKeys.getPrivate(), List.of(ca),
                Optional.of(new Issuer(ca, caKeys.getPrivate())));
    }

    /** The same leaf, trusting additional CA certificates as well. */
    public TlsIdentity alsoTrusting(List<X509Certificate> moreCas) {
        List<X509Certificate> all = new ArrayList<>(trustedCas);
        all.addAll(moreCas);
        return new TlsIdentity(certificate, privateKey, all, issuer);
    }

    /** {@code SHA-256(SubjectPublicKeyInfo DER)} of a certificate. */
    public static Bytes32 peerIdOf(X509Certificate certificate) {
        try {
            return Bytes32.wrap(MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    public Bytes32 peerId() {
        return peerId;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public List<X509Certificate> trustedCas() {
        return trustedCas;
    }

    /** The leaf key's signature binding it to an Ed25519 node key ({@link net.dig.wire.TlsBinding}). */
    byte[] bindingSignature(byte[] ed25519PublicKey) {
        return net.dig.wire.TlsBinding.sign(privateKey, ed25519PublicKey);
    }

    /** Signs DHT provider records with the leaf key, if it is a P-256 key ({@link DhtRecordKeys}). */
    java.util.Optional<net.dig.gossip.ProviderSigner> providerSigner() {
        return DhtRecordKeys.signer(privateKey, certificate.getPublicKey());
    }

    /** The leaf's private key, for the one body signed with it (holdings, {@link HoldingsExchange}). */
    PrivateKey leafKey() {
        return privateKey;
    }

    /** The leaf's SubjectPublicKeyInfo (DER), whose SHA-256 is the PeerId. */
    byte[] subjectPublicKeyInfo() {
        return certificate.getPublicKey().getEncoded();
    }

    /** Server side: TLS 1.3 only, client certificate required. */
    public SslContext serverContext(PeerTrust trust) {
        SslContextBuilder builder = SslContextBuilder.forServer(privateKey, certificate).clientAuth(ClientAuth.REQUIRE);
        return build(builder, trust);
    }

    /** Dialing side: TLS 1.3 only, presents the leaf, no host name verification. */
    public SslContext clientContext(PeerTrust trust) {
        SslContextBuilder builder = SslContextBuilder.forClient().keyManager(privateKey, certificate)
                .endpointIdentificationAlgorithm(null);
        return build(builder, trust);
    }

    private SslContext build(SslContextBuilder builder, PeerTrust trust) {
        builder.sslProvider(SslProvider.JDK).protocols("TLSv1.3");
        switch (trust) {
            case NETWORK_CA -> builder.trustManager(trustedCas.toArray(X509Certificate[]::new));
            case ANY_CERTIFICATE -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsIdentityException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    private static boolean publicKeyMatches(X509Certificate certificate, PrivateKey key) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "EC", "ECDSA" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> throw new TlsIdentityException("unsupported key algorithm " + key.getAlgorithm());
            };
            byte[] probe = "dig-net key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /** The CA that issued the leaf, kept to issue its successors ({@link #renewed}). */
    private record Issuer(X509Certificate certificate, PrivateKey key) {}

    /** The network CA's certificate and key files (PEM). */
    public record CaFiles(Path certificate, Path privateKey) {}
}
