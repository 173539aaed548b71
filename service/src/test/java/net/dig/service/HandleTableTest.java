package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeMap;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.wire.NodePayload.HandleDigest;
import net.dig.wire.NodePayload.HandleRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandleTableTest {
    @TempDir
    Path dir;

    private static HandleRegistration rec(String label, int owner) {
        NodeIdentity key = NodeIdentity.fromSeed(Sha256.hash(new byte[] {(byte) owner}).toArray());
        return HandleRegistration.signed(label, new byte[32], Optional.empty(), 4, 100, 200, false, new TreeMap<>(), key);
    }

    @Test
    void recordsAreKeptOnceSurviveReopenAndAreBoundedInNumber() {
        try (HandleTable t = new HandleTable(dir.resolve("handles.sqlite"), 3)) {
            assertThat(t.add(rec("site", 1))).isEqualTo(HandleTable.Added.NEW);
            assertThat(t.add(rec("site", 1))).isEqualTo(HandleTable.Added.KNOWN);
            assertThat(t.add(rec("site", 2))).isEqualTo(HandleTable.Added.NEW);
            assertThat(t.add(rec("other", 1))).isEqualTo(HandleTable.Added.NEW);
            assertThat(t.add(rec("more", 1))).isEqualTo(HandleTable.Added.FULL);
        }
        try (HandleTable t = new HandleTable(dir.resolve("handles.sqlite"), 3)) {
            assertThat(t.count()).isEqualTo(3);
            assertThat(t.labels()).isEqualTo(2);
            assertThat(t.records("site")).containsExactlyInAnyOrder(rec("site", 1), rec("site", 2));
            assertThat(t.records("nobody")).isEmpty();
            int b = HandleDigest.bucketOf("site");
            assertThat(t.ids(b)).contains(rec("site", 1).id(), rec("site", 2).id()).isSorted();
            assertThat(t.bucket(b)).contains(rec("site", 1));
        }
    }
}
