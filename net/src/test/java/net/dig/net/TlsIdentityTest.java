package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.testkit.ManualClock;
import net.dig.testkit.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void firstStartCreatesIdentityWithPrivateKeysReadableByOwnerOnly(@TempDir Path dir) throws Exception {
        TlsIdentity identity = TlsIdentity.loadOrCreate(dir, Optional.empty(), clock);

        assertThat(dir.resolve("node.crt")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("node.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        assertThat(identity.certificate().getIssuerX500Principal()).isEqualTo(identity.trustedCas().getFirst().getSubjectX500Principal());
        identity.certificate().verify(identity.trustedCas().getFirst().getPublicKey());
        assertThat(identity.certificate().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("node.crt", "node.key", "ca.crt", "ca.key");
        }
    }

    @Test
    void secondStartLoadsTheSameIdentity(@TempDir Path dir) {
        TlsIdentity first = TlsIdentity.loadOrCreate(dir, Optional.empty(), clock);
        TlsIdentity second = TlsIdentity.loadOrCreate(dir, Optional.empty(), clock);
        assertThat(second.peerId()).isEqualTo(first.peerId());
        assertThat(second.certificate()).isEqualTo(first.certificate());
    }

    @Test
    void peerIdIsSha256OfTheSubjectPublicKeyInfoDer(@TempDir Path dir) throws Exception {
        TlsIdentity identity = TlsIdentity.loadOrCreate(dir, Optional.empty(), clock);
        byte[] spki = identity.certificate().getPublicKey().getEncoded();
        assertThat(spki[0]).as("SPKI is a DER SEQUENCE").isEqualTo((byte) 0x30);
        assertThat(identity.peerId()).isEqualTo(Bytes32.wrap(MessageDigest.getInstance("SHA-256").digest(spki)));
        assertThat(identity.peerId()).isNotEqualTo(Bytes32.wrap(
                MessageDigest.getInstance("SHA-256").digest(identity.certificate().getEncoded())));
    }

    @Test
    void leafIsIssuedByTheConfiguredNetworkCa(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki"), clock.instant());
        TlsIdentity identity = TlsIdentity.loadOrCreate(dir.resolve("node"),
                Optional.of(new TlsIdentity.CaFiles(pki.caCertificatePath(), pki.caKeyPath())), clock);
        identity.certificate().verify(pki.caCertificate().getPublicKey());
        assertThat(identity.trustedCas()).containsExactly(pki.caCertificate());
        assertThat(dir.resolve("node/ca.key")).doesNotExist();
    }

    @Test
    void loadsConfiguredPemFiles(@TempDir Path dir) {
        TestPki pki = new TestPki(dir, clock.instant());
        TestPki.LeafFiles leaf = pki.leaf();
        TlsIdentity identity = TlsIdentity.fromFiles(leaf.certificate(), leaf.privateKey(), List.of(pki.caCertificatePath()));
        assertThat(identity.peerId()).isEqualTo(TlsIdentity.peerIdOf(leaf.x509()));
    }

    @Test
    void mismatchedKeyIsRefusedWithAClearMessage(@TempDir Path dir) {
        TestPki pki = new TestPki(dir, clock.instant());
        TestPki.LeafFiles a = pki.leaf();
        TestPki.LeafFiles b = pki.leaf();
        assertThatThrownBy(() -> TlsIdentity.fromFiles(a.certificate(), b.privateKey(), List.of()))
                .isInstanceOf(TlsIdentityException.class).hasMessageContaining("does not belong");
    }

    @Test
    void garbageFileIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.crt");
        Files.writeString(bad, "not a certificate");
        assertThatThrownBy(() -> TlsIdentity.fromFiles(bad, bad, List.of()))
                .isInstanceOf(TlsIdentityException.class).hasMessageContaining("bad.crt");
    }
}
