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

    @Test
    void theLabelsPointingAtADatastoreAreFoundAlsoInATableWrittenBeforeTheColumnExisted() throws Exception {
        Path file = dir.resolve("older.sqlite");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE TABLE handle_records (id BLOB PRIMARY KEY, label TEXT NOT NULL,"
                        + " bucket INTEGER NOT NULL, registered_at INTEGER NOT NULL, record BLOB NOT NULL)");
            }
            java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO handle_records VALUES (?,?,?,?,?)");
            for (HandleRegistration r : java.util.List.of(rec("zeta", 1), rec("site", 1), rec("else", 2))) {
                ps.setBytes(1, r.id().toArray());
                ps.setString(2, r.label());
                ps.setInt(3, HandleDigest.bucketOf(r.label()));
                ps.setLong(4, r.registeredAt());
                ps.setBytes(5, net.dig.wire.NodeMessageCodec.encodeHandle(r));
                ps.executeUpdate();
            }
        }
        try (HandleTable t = new HandleTable(file)) {
            assertThat(t.labelsPointingAt(rec("site", 1).datastoreId())).containsExactly("site", "zeta");
            assertThat(t.add(rec("other", 2))).isEqualTo(HandleTable.Added.NEW);
            assertThat(t.labelsPointingAt(rec("other", 2).datastoreId())).containsExactly("else", "other");
            assertThat(t.labelsPointingAt(net.dig.core.Bytes32.ZERO)).isEmpty();
        }
        try (HandleTable t = new HandleTable(file)) {
            assertThat(t.labelsPointingAt(rec("site", 1).datastoreId())).containsExactly("site", "zeta");
        }
    }
}
