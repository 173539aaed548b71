package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.storage.DatastoreVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging area's progress records and how it treats what it does not recognise. */
class FetchStagingTest {
    @TempDir
    Path tmp;

    private static DatastoreVersion version(long n) {
        return DatastoreVersion.signed(new byte[32], n, Bytes32.ZERO, 2, 262_144 + 5000, 262_144, 0, "x",
                java.util.List.of(), NodeIdentity.fromSeed(FetchHarness.seed(2)));
    }

    @Test
    void aProgressRecordRoundTripsAndAForeignOneIsRefused() {
        BitSet bits = new BitSet();
        bits.set(0, 5);
        bits.set(63);
        FetchStaging.Progress p = new FetchStaging.Progress(Bytes32.wrap(new byte[32]), Bytes32.ZERO, 64, bits);
        byte[] enc = FetchStaging.encode(3, p);
        assertThat(enc).hasSize(16 + 64 + 8);
        FetchStaging.Progress back = FetchStaging.decode(enc, 3, 64);
        assertThat(back.verified).isEqualTo(bits);
        assertThat(FetchStaging.decode(enc, 4, 64)).isNull();
        assertThat(FetchStaging.decode(enc, 3, 65)).isNull();
        byte[] magic = enc.clone();
        magic[0] ^= 1;
        assertThat(FetchStaging.decode(magic, 3, 64)).isNull();
        assertThat(FetchStaging.decode(new byte[3], 3, 64)).isNull();
    }

    @Test
    void writtenWindowsSurviveAReopenAndABrokenRecordStartsItsCapsuleOver() throws Exception {
        DatastoreVersion v = version(1);
        FetchStaging s = FetchStaging.open(tmp, v);
        s.prove(0, Bytes32.ZERO, Bytes32.ZERO, 64);
        s.write(0, 8192, new byte[8192], 2, 2);
        s.prove(1, Bytes32.ZERO, Bytes32.ZERO, 2);
        s.write(1, 0, new byte[4096], 0, 1);

        FetchStaging again = FetchStaging.open(tmp, v);
        assertThat(again.progress(0).verified.cardinality()).isEqualTo(2);
        assertThat(again.progress(1).verified.get(0)).isTrue();
        Files.write(again.dir().resolve("capsule-1.progress"), new byte[] {1, 2, 3});
        FetchStaging third = FetchStaging.open(tmp, v);
        assertThat(third.progress(1)).isNull();
        assertThat(third.dataFile(1)).doesNotExist();
        assertThat(FetchStaging.list(tmp)).containsExactly(v);
    }

    @Test
    void aVersionFileOfAnotherRecordEmptiesTheDirectory() throws Exception {
        DatastoreVersion v = version(1);
        FetchStaging s = FetchStaging.open(tmp, v);
        s.prove(0, Bytes32.ZERO, Bytes32.ZERO, 64);
        s.write(0, 0, new byte[4096], 0, 1);
        Files.write(s.dir().resolve("version"), version(2).encode());
        FetchStaging reopened = FetchStaging.open(tmp, v);
        assertThat(reopened.progress(0)).isNull();
        assertThat(reopened.dataFile(0)).doesNotExist();
        assertThat(Files.readAllBytes(reopened.dir().resolve("version"))).isEqualTo(v.encode());
        reopened.delete();
        assertThat(reopened.dir()).doesNotExist();
    }
}
