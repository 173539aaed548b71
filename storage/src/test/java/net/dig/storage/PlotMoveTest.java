package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plots moving between directories of different {@link StorageClass}es, and the states a crash mid-move leaves. */
class PlotMoveTest {
    @TempDir
    Path tmp;

    private StorageConfig tiered() {
        Path fast = tmp.resolve("nvme");
        Path landing = tmp.resolve("ssd");
        Path cold = tmp.resolve("hdd");
        return new StorageConfig(tmp.resolve("home"), List.of(fast, landing, cold), null,
                Map.of(fast, StorageClass.NVME, cold, StorageClass.HDD));
    }

    private static Manifest add(StorageEngine e, byte[] data, Path tmp, String name) throws IOException {
        Path src = StorageTestSupport.write(tmp.resolve(name), data);
        return e.ingest(src, new IngestOptions(262_144, Compression.NONE, null), OWNER, Progress.none());
    }

    private static byte[] whole(StorageEngine e, Manifest m) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < m.capsules().size(); i++) {
            out.writeBytes(e.readCapsule(m.version().datastoreId(), i));
        }
        return java.util.Arrays.copyOf(out.toByteArray(), (int) m.version().totalSize());
    }

    @Test
    void newPlotsLandOnTheLandingClassAndMoveToAnyClassServingTheSameBytes() throws Exception {
        StorageConfig config = tiered();
        byte[] data = StorageTestSupport.randomBytes(900_000, 7);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            Manifest m = add(e, data, tmp, "a");
            PlotFile landed = e.plotFiles().getFirst();
            assertThat(landed.storageClass()).isEqualTo(StorageClass.SSD);
            assertThat(landed.datastores()).containsExactly(m.version().datastoreId());

            Path onNvme = e.movePlot(landed.path(), StorageClass.NVME);
            assertThat(onNvme).isEqualTo(tmp.resolve("nvme").resolve(landed.path().getFileName()));
            assertThat(landed.path()).doesNotExist();
            assertThat(e.plotFiles()).singleElement().satisfies(p -> {
                assertThat(p.storageClass()).isEqualTo(StorageClass.NVME);
                assertThat(p.plotId()).isEqualTo(landed.plotId());
            });
            assertThat(whole(e, m)).isEqualTo(data);

            Path onHdd = e.movePlot(onNvme, StorageClass.HDD);
            assertThat(onNvme).doesNotExist();
            assertThat(whole(e, m)).isEqualTo(data);
            assertThat(e.plotBytesOnDisk()).isEqualTo(DiskAccountingTest.du(config.plotDirs()));
            assertThat(e.verify(java.util.Optional.empty(), Progress.none()).plots()).singleElement()
                    .satisfies(v -> assertThat(v.ok()).isTrue());
            assertThat(e.plotDirectories()).extracting(PlotDirectory::storageClass, PlotDirectory::plots)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(StorageClass.NVME, 0),
                            org.assertj.core.groups.Tuple.tuple(StorageClass.SSD, 0),
                            org.assertj.core.groups.Tuple.tuple(StorageClass.HDD, 1));
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();

            // a reopened engine finds it where it went
            Path moved = onHdd;
            e.close();
            try (StorageEngine again = StorageTestSupport.open(config)) {
                assertThat(again.plotFiles()).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo(moved));
                assertThat(whole(again, m)).isEqualTo(data);
            }
        }
    }

    @Test
    void aCopyLeftBesideItsOriginalByACrashIsServedAndDroppedWithoutLosingTheLastCopy() throws Exception {
        StorageConfig config = tiered();
        byte[] data = StorageTestSupport.randomBytes(700_000, 8);
        Manifest m;
        Path original;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            m = add(e, data, tmp, "b");
            original = e.plotFiles().getFirst().path();
        }
        // a crash after the copy's publish (before or after the original's rows went): two files, one plot id
        Path copy = tmp.resolve("hdd").resolve(original.getFileName());
        Files.copy(original, copy, StandardCopyOption.COPY_ATTRIBUTES);
        // and a temporary copy of a move that had not published yet
        Files.write(tmp.resolve("nvme").resolve(".plot.abandoned.tmp"), new byte[4096]);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();
            assertThat(e.plotFiles()).extracting(PlotFile::storageClass)
                    .containsExactlyInAnyOrder(StorageClass.SSD, StorageClass.HDD);
            assertThat(whole(e, m)).isEqualTo(data);

            e.dropPlotCopy(original);
            assertThat(original).doesNotExist();
            assertThat(e.plotFiles()).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo(copy));
            assertThat(whole(e, m)).isEqualTo(data);
            assertThat(e.plotBytesOnDisk()).isEqualTo(DiskAccountingTest.du(config.plotDirs()));

            assertThatThrownBy(() -> e.dropPlotCopy(copy))
                    .isInstanceOfSatisfying(StorageException.class, x -> assertThat(x.code()).isEqualTo(StorageErrorCode.NOT_FOUND))
                    .hasMessageContaining("no other copy");
            assertThat(copy).exists();
            assertThat(whole(e, m)).isEqualTo(data);
        }
    }

    @Test
    void aMoveWithNoRoomInTheTargetClassChangesNothing() throws Exception {
        StorageConfig config = tiered();
        byte[] data = StorageTestSupport.randomBytes(500_000, 9);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            Manifest m = add(e, data, tmp, "c");
            Path plot = e.plotFiles().getFirst().path();
            List<String> before = e.indexDump();
            Path nvme = tmp.resolve("nvme").toAbsolutePath().normalize();
            e.placement().usableSpace = dir -> dir.equals(nvme) ? 1000 : Long.MAX_VALUE / 4;
            assertThatThrownBy(() -> e.movePlot(plot, StorageClass.NVME))
                    .isInstanceOfSatisfying(StorageException.class, x -> assertThat(x.code()).isEqualTo(StorageErrorCode.NO_SPACE))
                    .hasMessageContaining("no nvme plot directory has room");
            assertThat(e.indexDump()).isEqualTo(before);
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();
            assertThat(whole(e, m)).isEqualTo(data);
        }
    }

    @Test
    void aDamagedSourceIsNotMoved() throws Exception {
        StorageConfig config = tiered();
        byte[] data = StorageTestSupport.randomBytes(600_000, 10);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            add(e, data, tmp, "d");
            Path plot = e.plotFiles().getFirst().path();
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(plot,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.READ)) {
                long at = PlotWriter.HEADER_SIZE + PlotWriter.PAGE; // inside the first capsule's bytes
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
                ch.read(b, at);
                b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
                ch.write(b, at);
            }
            e.verify(java.util.Optional.empty(), Progress.none());
            assertThat(e.plotFiles()).singleElement().satisfies(p -> assertThat(p.servable()).isFalse());
            assertThatThrownBy(() -> e.movePlot(plot, StorageClass.HDD))
                    .isInstanceOfSatisfying(StorageException.class, x -> assertThat(x.code()).isEqualTo(StorageErrorCode.NOT_FOUND))
                    .hasMessageContaining("not servable");
            assertThat(plot).exists();
            assertThat(tmp.resolve("hdd").resolve(plot.getFileName())).doesNotExist();
        }
    }
}
