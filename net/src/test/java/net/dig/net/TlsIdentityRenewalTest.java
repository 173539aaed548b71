package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.dig.core.Clock;
import net.dig.testkit.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link TlsIdentity#renewed}: a successor leaf from the same CA, so a new PeerId that the same CAs trust. */
@Timeout(30)
class TlsIdentityRenewalTest {
    @Test
    void aRenewedLeafHasANewPeerIdFromTheSameCa(@TempDir Path dir) throws Exception {
        TlsIdentity first = TlsIdentity.loadOrCreate(dir, Optional.empty(), Clock.system());
        TlsIdentity next = first.renewed(Clock.system().instant()).orElseThrow();

        assertThat(next.peerId()).isNotEqualTo(first.peerId());
        assertThat(next.trustedCas()).isEqualTo(first.trustedCas());
        next.certificate().verify(first.trustedCas().getFirst().getPublicKey());
        assertThat(next.renewable()).isTrue();
        assertThat(TlsIdentity.loadOrCreate(dir, Optional.empty(), Clock.system()).peerId())
                .as("renewing alone writes nothing").isEqualTo(first.peerId());
        next.storedIn(dir);
        assertThat(TlsIdentity.loadOrCreate(dir, Optional.empty(), Clock.system()).peerId()).isEqualTo(next.peerId());
    }

    @Test
    void certificateFilesWithoutTheirCaKeyCannotBeRenewed(@TempDir Path dir) {
        TestPki pki = new TestPki(dir, Clock.system().instant());
        TestPki.LeafFiles leaf = pki.leaf();
        TlsIdentity loaded = TlsIdentity.fromFiles(leaf.certificate(), leaf.privateKey(), List.of(pki.caCertificatePath()));
        assertThat(loaded.renewable()).isFalse();
        assertThat(loaded.renewed(Clock.system().instant())).isEmpty();
        assertThat(TlsIdentity.ephemeral(Clock.system()).renewable()).isTrue();
    }
}
