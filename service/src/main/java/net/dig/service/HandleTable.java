package net.dig.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodePayload.HandleDigest;
import net.dig.wire.NodePayload.HandleRegistration;
import net.dig.wire.WireException;

/**
 * The handle records this node knows, the network's as well as its own, in their own SQLite file
 * ({@code <dataDir>/handles.sqlite}, WAL, {@code synchronous=FULL}), apart from the storage index so that
 * the index can be rebuilt from plots without losing them (they are not in plots).
 *
 * <pre>
 * handle_records(id BLOB(32) PRIMARY KEY   SHA-256 of the record's signed bytes
 *                label TEXT, bucket INT    the label and its digest bucket (HandleDigest.bucketOf)
 *                registered_at INT         Unix seconds
 *                record BLOB               the record as field 21 carries it (NodeMessageCodec.encodeHandle)
 *                datastore BLOB(32))       the datastore id the record points at
 * index on label, index on bucket, index on datastore
 * </pre>
 * A table written before {@code datastore} existed gets the column on open, filled from the records.
 * Every record is kept, not only the holders: the namespace rule is a function of the whole set
 * ({@link HandleNamespace}). The table of the earlier, node-local registrations ({@code handles}) is left
 * as it was and no longer read: those were signed without a time the network can check (docs/decisions.md
 * D64a). At most {@code maxRecords} records; {@link #add} refuses more. A row that no longer decodes is
 * skipped. Blocking; every method synchronised on the one connection.
 */
public final class HandleTable implements AutoCloseable {
    /** What {@link #add} did. */
    public enum Added { NEW, KNOWN, FULL }

    private final Connection db;
    private final long maxRecords;
    private long count;

    public HandleTable(Path file) {
        this(file, 1_000_000);
    }

    public HandleTable(Path file, long maxRecords) {
        this.maxRecords = maxRecords;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE IF NOT EXISTS handle_records (id BLOB PRIMARY KEY, label TEXT NOT NULL,"
                        + " bucket INTEGER NOT NULL, registered_at INTEGER NOT NULL, record BLOB NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS handle_records_label ON handle_records(label)");
                s.execute("CREATE INDEX IF NOT EXISTS handle_records_bucket ON handle_records(bucket, id)");
                addDatastoreColumn(s);
                s.execute("CREATE INDEX IF NOT EXISTS handle_records_datastore ON handle_records(datastore)");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM handle_records")) {
                    count = rs.next() ? rs.getLong(1) : 0;
                }
            }
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the handle table " + file + ": " + e.getMessage(), e);
        }
    }

    /** Adds {@code datastore} to a table made before it existed, filled from each row's record. */
    private void addDatastoreColumn(Statement s) throws SQLException {
        boolean present = false;
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(handle_records)")) {
            while (rs.next()) {
                present |= rs.getString("name").equals("datastore");
            }
        }
        if (present) {
            return;
        }
        db.setAutoCommit(false);
        try {
            s.execute("ALTER TABLE handle_records ADD COLUMN datastore BLOB");
            try (ResultSet rs = s.executeQuery("SELECT id, record FROM handle_records");
                 PreparedStatement ps = db.prepareStatement("UPDATE handle_records SET datastore = ? WHERE id = ?")) {
                while (rs.next()) {
                    try {
                        ps.setBytes(1, NodeMessageCodec.decodeHandle(rs.getBytes(2)).datastoreId().toArray());
                    } catch (WireException e) {
                        continue; // a damaged row stays without one, skipped as every read skips it
                    }
                    ps.setBytes(2, rs.getBytes(1));
                    ps.executeUpdate();
                }
            }
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Stores {@code r} unless it is known or the table is full. */
    public synchronized Added add(HandleRegistration r) {
        Bytes32 id = r.id();
        try (PreparedStatement ps = db.prepareStatement("INSERT OR IGNORE INTO handle_records(id, label, bucket, registered_at, record,"
                + " datastore) VALUES (?,?,?,?,?,?)")) {
            if (contains(id)) {
                return Added.KNOWN;
            }
            if (count >= maxRecords) {
                return Added.FULL;
            }
            ps.setBytes(1, id.toArray());
            ps.setString(2, r.label());
            ps.setInt(3, HandleDigest.bucketOf(r.label()));
            ps.setLong(4, r.registeredAt());
            ps.setBytes(5, NodeMessageCodec.encodeHandle(r));
            ps.setBytes(6, r.datastoreId().toArray());
            ps.executeUpdate();
            count++;
            return Added.NEW;
        } catch (SQLException ex) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "handle table write failed: " + ex.getMessage(), ex);
        }
    }

    private boolean contains(Bytes32 id) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM handle_records WHERE id = ?")) {
            ps.setBytes(1, id.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Every record of {@code label}. */
    public synchronized List<HandleRegistration> records(String label) {
        return query("SELECT record FROM handle_records WHERE label = ?", ps -> ps.setString(1, label));
    }

    /** The labels with at least one record pointing at {@code datastoreId}, ascending. */
    public synchronized List<String> labelsPointingAt(Bytes32 datastoreId) {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT DISTINCT label FROM handle_records WHERE datastore = ? ORDER BY label")) {
            ps.setBytes(1, datastoreId.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException ex) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "handle table read failed: " + ex.getMessage(), ex);
        }
    }

    /** Every record of bucket {@code bucket}, by ascending id. */
    public synchronized List<HandleRegistration> bucket(int bucket) {
        return query("SELECT record FROM handle_records WHERE bucket = ? ORDER BY id", ps -> ps.setInt(1, bucket));
    }

    /** The ids of bucket {@code bucket}, ascending (SQLite orders BLOBs bytewise). */
    public synchronized List<Bytes32> ids(int bucket) {
        List<Bytes32> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT id FROM handle_records WHERE bucket = ? ORDER BY id")) {
            ps.setInt(1, bucket);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Bytes32.wrap(rs.getBytes(1)));
                }
            }
            return out;
        } catch (SQLException ex) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "handle table read failed: " + ex.getMessage(), ex);
        }
    }

    /** The distinct labels with at least one record. */
    public synchronized long labels() {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(DISTINCT label) FROM handle_records")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException ex) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "handle table read failed: " + ex.getMessage(), ex);
        }
    }

    public synchronized long count() {
        return count;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<HandleRegistration> query(String sql, Binder binder) {
        List<HandleRegistration> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(NodeMessageCodec.decodeHandle(rs.getBytes(1)));
                    } catch (WireException e) {
                        // a damaged row: skipped; the network sends the record again at the next digest exchange
                    }
                }
            }
            return out;
        } catch (SQLException ex) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "handle table read failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing: nothing left to do
        }
    }
}
