package net.dig.storage;

import static net.dig.storage.StorageTestSupport.NODE;
import static net.dig.storage.StorageTestSupport.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.MerkleTree;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plot whose chunk hash table (C4) is larger than 4 GiB and whose last table starts beyond 4 GiB,
 * synthesised as a sparse file: 32,769 capsules of 16 MiB, each stored as one page of a (hole) zstd frame,
 * so C4 is 32,769 x 4,096 x 32 bytes of zeros that take no disk. Opening it reads and hashes every table
 * by region, beyond what an int or a byte array can hold.
 */
class LargeTablesTest {
    static final int CAPSULES = 32_769;
    static final int CAPSULE = 16 << 20;
    static final long C4_LENGTH = (long) CAPSULES * (CAPSULE / 4096) * 32;

    @TempDir
    Path tmp;

    @Test
    void aPlotWithTablesBeyondFourGibOpensAndItsFarTablesAreChecked() throws IOException, PlotReader.Corrupt {
        assertThat(C4_LENGTH).isGreaterThan(4L << 30);
        byte[] nonce = new byte[32];
        Bytes32 id = DatastoreVersion.deriveId(OWNER.publicKey(), nonce);
        List<CapsuleInfo> capsules = new ArrayList<>(CAPSULES);
        List<Bytes32> leaves = new ArrayList<>(CAPSULES);
        for (int i = 0; i < CAPSULES; i++) {
            CapsuleInfo c = new CapsuleInfo(i, Sha256.hash(new byte[] {(byte) i, (byte) (i >> 8)}), CAPSULE,
                    Sha256.hash(new byte[] {1, (byte) i, (byte) (i >> 8)}));
            capsules.add(c);
            leaves.add(Manifest.leafHash(c));
        }
        DatastoreVersion v = DatastoreVersion.signed(nonce, 1, MerkleTree.root(leaves), CAPSULES, (long) CAPSULES * CAPSULE,
                CAPSULE, 100, "huge", List.of(), OWNER);
        Manifest m = new Manifest(v, "huge", capsules, List.of());

        long dataEnd = PlotWriter.HEADER_SIZE + (long) CAPSULES * PlotWriter.PAGE;
        ByteBuffer c1 = ByteBuffer.allocate(CAPSULES * PlotWriter.C1_RECORD);
        ByteBuffer c2 = ByteBuffer.allocate(CAPSULES * PlotWriter.C2_RECORD);
        ByteBuffer c3 = ByteBuffer.allocate(CAPSULES * 32);
        for (CapsuleInfo c : capsules) {
            id.writeTo(c1);
            c1.putInt(c.index()).putInt(CAPSULE);
            c.hash().writeTo(c1);
            c1.putLong(PlotWriter.HEADER_SIZE + (long) c.index() * PlotWriter.PAGE);
            c2.putInt(PlotWriter.PAGE).put(Compression.ZSTD.code()).put(new byte[3]);
            c.chunkRoot().writeTo(c3);
        }
        byte[] manifest = m.encode();
        byte[] c5 = ByteBuffer.allocate(8 + manifest.length).putInt(1).putInt(manifest.length).put(manifest).array();
        byte[][] tables = {c1.array(), c2.array(), c3.array(), null, c5};
        int[] pointers = new int[PlotWriter.TABLES];
        long[] lengths = new long[PlotWriter.TABLES];
        byte[][] hashes = new byte[PlotWriter.TABLES][];
        long[] starts = new long[PlotWriter.PRESENT_TABLES];
        long at = PlotWriter.alignUp(dataEnd);
        for (int t = 0; t < PlotWriter.TABLES; t++) {
            if (t >= PlotWriter.PRESENT_TABLES) {
                hashes[t] = new byte[32];
                continue;
            }
            starts[t] = at;
            pointers[t] = (int) (at / PlotWriter.PAGE);
            lengths[t] = t == 3 ? C4_LENGTH : tables[t].length;
            hashes[t] = t == 3 ? zerosHash(C4_LENGTH) : Sha256.hash(tables[t]).toArray();
            at = PlotWriter.alignUp(at + lengths[t]);
        }
        assertThat(starts[4]).isGreaterThan(4L << 30);
        Path plot = tmp.resolve("huge.plot");
        try (FileChannel ch = FileChannel.open(plot, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            write(ch, PlotWriter.header(NODE, 100, pointers, lengths, hashes, dataEnd), 0);
            for (int t : new int[] {0, 1, 2, 4}) {
                write(ch, tables[t], starts[t]);
            }
            write(ch, new byte[(int) (at - starts[4] - c5.length)], starts[4] + c5.length);
        }

        try (PlotReader r = PlotReader.open(plot, NODE.publicKey())) {
            assertThat(r.fileSize()).isEqualTo(at).isGreaterThan(4L << 30);
            assertThat(r.entries()).hasSize(CAPSULES);
            assertThat(r.manifest(id).capsules()).hasSize(CAPSULES);
            PlotReader.Entry last = r.entries().getLast();
            assertThat(last.index()).isEqualTo(CAPSULES - 1);
            assertThat(last.codec()).isEqualTo(Compression.ZSTD);
            assertThat(last.chunkHashesOffset()).isEqualTo(starts[3] + C4_LENGTH - 32 * (CAPSULE / 4096))
                    .isGreaterThan(4L << 30);
            assertThat(r.readChunkHashes(last)).hasSize(32 * (CAPSULE / 4096)).containsOnly(0);
        }

        try (FileChannel ch = FileChannel.open(plot, StandardOpenOption.WRITE)) {
            write(ch, new byte[] {1}, starts[3] + C4_LENGTH - 1); // the last byte of C4, past 4 GiB
        }
        assertThatThrownBy(() -> PlotReader.open(plot, NODE.publicKey()).close())
                .isInstanceOf(PlotReader.Corrupt.class).hasMessage("table C4 checksum mismatch");
    }

    private static byte[] zerosHash(long length) {
        MessageDigest d = Sha256.newDigest();
        byte[] zeros = new byte[1 << 20];
        for (long done = 0; done < length; done += zeros.length) {
            d.update(zeros, 0, (int) Math.min(zeros.length, length - done));
        }
        return d.digest();
    }

    private static void write(FileChannel ch, byte[] bytes, long at) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        for (long p = at; b.hasRemaining(); ) {
            p += ch.write(b, p);
        }
    }
}
