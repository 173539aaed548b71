package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.MerkleTree;
import net.dig.core.Progress;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.Manifest;
import net.dig.testkit.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The provider side against a real store: windows and prologues, every refusal, the caps, the upload budget. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CapsuleWindowsTest {
    private static final int CAPSULE = 256 * 1024;

    @TempDir
    Path tmp;

    private static FetchRequest.Window window(Manifest m, int capsule, long offset, int length, int maxSize, boolean prologue) {
        return new FetchRequest.Window(7, m.datastoreId(), m.version().version(), capsule, offset, length, maxSize, prologue);
    }

    @Test
    void aFirstWindowCarriesChunkHashesAndALeafProofThatLeadToTheSignedRoot() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE + 10_000)) {
            Manifest m = h.manifest;
            FetchResponse r = h.windows.answer("p", window(m, 1, 0, 64 * 1024, 1 << 20, true));
            FetchResponse.Window w = (FetchResponse.Window) r;
            assertThat(w.requestId()).isEqualTo(7);
            assertThat(w.data()).isEqualTo(Arrays.copyOfRange(h.data, CAPSULE, CAPSULE + 64 * 1024));
            CapsuleInfo c = m.capsules().get(1);
            assertThat(w.prologue().capsuleHash()).isEqualTo(c.hash());
            assertThat(w.prologue().chunkHashes()).hasSize(32 * 64);
            java.util.List<Bytes32> leaves = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                leaves.add(Bytes32.wrap(w.prologue().chunkHashes(), 32 * i));
            }
            assertThat(MerkleTree.root(leaves)).isEqualTo(c.chunkRoot());
            assertThat(w.prologue().leafProof().verifies(m.leafHash(1), m.version().merkleRoot(), 3)).isTrue();

            FetchResponse.Window tail = (FetchResponse.Window) h.windows.answer("p", window(m, 2, 8192, 64 * 1024, 1 << 20, false));
            assertThat(tail.prologue()).isNull();
            assertThat(tail.data()).isEqualTo(Arrays.copyOfRange(h.data, 2 * CAPSULE + 8192, 2 * CAPSULE + 10_000));
        }
    }

    @Test
    void maxSizeAndTheWindowCapShortenTheAnswerByWholeChunks() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, CAPSULE)) {
            Manifest m = h.manifest;
            FetchResponse.Window w = (FetchResponse.Window) h.windows.answer("p", window(m, 0, 4096, 200_000, 50_000, false));
            assertThat(w.data()).hasSize(12 * 4096);
            FetchResponse.Window p = (FetchResponse.Window) h.windows.answer("p", window(m, 0, 0, 200_000, 50_000, true));
            assertThat(p.data().length + p.prologue().encodedSize()).isLessThanOrEqualTo(50_000);
            assertThat(p.data().length % 4096).isZero();
            CapsuleWindows small = h.source.capsuleWindows(UploadBudget.Settings.defaults(), 8192);
            assertThat(((FetchResponse.Window) small.answer("p", window(m, 0, 0, 200_000, 1 << 20, false))).data()).hasSize(8192);
            assertThat(refusal(h.windows.answer("p", window(m, 0, 0, 4096, 100, true)))).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        }
    }

    @Test
    void whatIsNotHeldOrNotAlignedIsRefusedWithItsCode() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, CAPSULE + 100)) {
            Manifest m = h.manifest;
            Bytes32 other = Bytes32.wrap(new byte[32]);
            assertThat(refusal(h.windows.answer("p", new FetchRequest.Window(1, other, 1, 0, 0, 4096, 8192, false))))
                    .isEqualTo(ErrorCode.UNKNOWN_DATASTORE);
            assertThat(refusal(h.windows.answer("p", new FetchRequest.Metadata(1, other, 1)))).isEqualTo(ErrorCode.UNKNOWN_DATASTORE);
            assertThat(refusal(h.windows.answer("p", new FetchRequest.Window(1, m.datastoreId(), 2, 0, 0, 4096, 8192, false))))
                    .isEqualTo(ErrorCode.UNKNOWN_DATASTORE);
            assertThat(refusal(h.windows.answer("p", window(m, 2, 0, 4096, 8192, false)))).isEqualTo(ErrorCode.BAD_CAPSULE_INDEX);
            assertThat(refusal(h.windows.answer("p", window(m, -1, 0, 4096, 8192, false)))).isEqualTo(ErrorCode.BAD_CAPSULE_INDEX);
            assertThat(refusal(h.windows.answer("p", window(m, 0, 100, 4096, 8192, false)))).isEqualTo(ErrorCode.BAD_RANGE);
            assertThat(refusal(h.windows.answer("p", window(m, 1, 4096, 4096, 8192, false)))).isEqualTo(ErrorCode.BAD_RANGE);
            assertThat(refusal(h.windows.answer("p", window(m, 0, 0, 0, 8192, false)))).isEqualTo(ErrorCode.BAD_RANGE);
            assertThat(refusal(h.windows.answer("p", window(m, 0, 0, 4096, -1, false)))).isEqualTo(ErrorCode.BAD_RANGE);
            FetchResponse.Metadata meta = (FetchResponse.Metadata) h.windows.answer("p", new FetchRequest.Metadata(3, m.datastoreId(), 1));
            assertThat(meta.name()).isEqualTo("content.bin");
            assertThat(meta.files()).isEqualTo(m.files());
        }
    }

    @Test
    void aQuarantinedCapsuleIsNotServed() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE)) {
            Manifest m = h.manifest;
            Path plot = h.sourceEngine.plots().getFirst().path();
            Corruption.flip(plot, h.sourceEngine.locate(m.datastoreId(), 1).orElseThrow().offset() + 100);
            assertThat(h.sourceEngine.verify(Optional.empty(), Progress.none()).ok()).isFalse();
            assertThat(refusal(h.windows.answer("p", window(m, 1, 0, 4096, 8192, false)))).isEqualTo(ErrorCode.PLOT_UNAVAILABLE);
        }
    }

    @Test
    void theLaterWindowsOfACapsuleBeingServedAreItsBytesAndStopOnceItIsQuarantined() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, 2 * CAPSULE)) {
            Manifest m = h.manifest;
            FetchResponse.Window first = (FetchResponse.Window) h.windows.answer("p", window(m, 1, 0, 65_536, 1 << 20, true));
            for (int off = 65_536; off < CAPSULE; off += 65_536) {
                FetchResponse.Window w = (FetchResponse.Window) h.windows.answer("p", window(m, 1, off, 65_536, 1 << 20, true));
                assertThat(w.data()).isEqualTo(Arrays.copyOfRange(h.data, CAPSULE + off, CAPSULE + off + 65_536));
                assertThat(w.prologue().chunkHashes()).isEqualTo(first.prologue().chunkHashes());
            }
            Path plot = h.sourceEngine.plots().getFirst().path();
            Corruption.flip(plot, h.sourceEngine.locate(m.datastoreId(), 1).orElseThrow().offset() + 100);
            assertThat(h.sourceEngine.verify(Optional.empty(), Progress.none()).ok()).isFalse();
            assertThat(refusal(h.windows.answer("p", window(m, 1, 65_536, 4096, 8192, false))))
                    .as("held bytes are not served past the quarantine").isEqualTo(ErrorCode.PLOT_UNAVAILABLE);
            assertThat(h.windows.answer("p", window(m, 0, 0, 4096, 8192, false))).isInstanceOf(FetchResponse.Window.class);
        }
    }

    @Test
    void theUploadBudgetRefusesWithTheWaitAndServesOnceItRefilled() throws Exception {
        try (FetchHarness h = FetchHarness.create(tmp, CAPSULE, CAPSULE)) {
            Manifest m = h.manifest;
            int prologue = CapsuleWindows.maxPrologue();
            CapsuleWindows paced = h.source.capsuleWindows(new UploadBudget.Settings(65_536, 1 << 30, 65_536 + prologue, 16), 65_536);
            // the burst holds three windows of 64 KiB and some change, not four
            for (int i = 0; i < 3; i++) {
                assertThat(paced.answer("a", window(m, 0, 0, 65_536, 1 << 20, false))).isInstanceOf(FetchResponse.Window.class);
            }
            FetchResponse.Refused r = (FetchResponse.Refused) paced.answer("a", window(m, 0, 0, 65_536, 1 << 20, false));
            assertThat(r.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(r.retryAfterMillis()).isBetween(1L, 1001L);
            assertThat(paced.answer("b", window(m, 0, 0, 65_536, 1 << 20, false))).as("another peer has its own bucket")
                    .isInstanceOf(FetchResponse.Window.class);
            h.clock.advance(Duration.ofMillis(r.retryAfterMillis()));
            assertThat(paced.answer("a", window(m, 0, 0, 65_536, 1 << 20, false))).isInstanceOf(FetchResponse.Window.class);
            assertThatThrownBy(() -> h.source.capsuleWindows(new UploadBudget.Settings(1, 1, 4096, 1), 65_536))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static ErrorCode refusal(FetchResponse r) {
        assertThat(r).isInstanceOf(FetchResponse.Refused.class);
        return ((FetchResponse.Refused) r).code();
    }
}
