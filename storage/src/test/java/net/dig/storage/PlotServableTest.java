package net.dig.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StorageEngine#plotServable}: the in-memory view of which plots verify found bad, used by the HTTP API. */
class PlotServableTest {
    @Test
    void verifyMarksPlotsWithBadCapsulesOrHeadersUnservableAndACleanVerifyClearsThem(@TempDir Path tmp) throws Exception {
        try (StorageEngine s = StorageTestSupport.open(tmp)) {
            Manifest a = s.ingest(StorageTestSupport.write(tmp.resolve("a.bin"), StorageTestSupport.randomBytes(50_000, 1)),
                    new IngestOptions(262_144, Compression.NONE, "a"), StorageTestSupport.OWNER, Progress.none());
            Manifest b = s.ingest(StorageTestSupport.write(tmp.resolve("b.bin"), StorageTestSupport.randomBytes(50_000, 2)),
                    new IngestOptions(262_144, Compression.NONE, "b"), StorageTestSupport.OWNER, Progress.none());
            CapsuleLocation la = s.locate(a.datastoreId(), 0).orElseThrow();
            CapsuleLocation lb = s.locate(b.datastoreId(), 0).orElseThrow();
            assertThat(s.plotServable(la.plotId())).isTrue();
            assertThat(s.plotServable(lb.plotId())).isTrue();

            byte[] original = flip(la.plotPath(), la.offset() + 10);
            flip(lb.plotPath(), 100);
            VerifyReport report = s.verify(Optional.empty(), Progress.none());
            assertThat(report.plots()).anyMatch(p -> !p.ok());
            assertThat(s.plotServable(la.plotId())).isFalse();
            assertThat(s.plotServable(lb.plotId())).isFalse();
            assertThat(s.plotServable(Bytes32.ZERO)).isTrue();

            write(la.plotPath(), la.offset() + 10, original);
            s.verify(Optional.of(la.plotId()), Progress.none());
            assertThat(s.plotServable(la.plotId())).isTrue();
            assertThat(s.plotServable(lb.plotId())).isFalse();
        }
    }

    private static byte[] flip(Path file, long at) throws Exception {
        byte[] old = new byte[4];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.read(ByteBuffer.wrap(old), at);
            byte[] bad = old.clone();
            for (int i = 0; i < bad.length; i++) {
                bad[i] ^= 0x5A;
            }
            ch.write(ByteBuffer.wrap(bad), at);
        }
        return old;
    }

    private static void write(Path file, long at, byte[] bytes) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), at);
        }
    }
}
