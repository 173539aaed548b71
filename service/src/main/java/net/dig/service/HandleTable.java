package net.dig.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import net.dig.core.Bytes32;

/**
 * Handle registrations in their own SQLite file ({@code <dataDir>/handles.sqlite}, WAL), apart from the
 * storage index so the storage engine's index can be dropped and rebuilt from plots without losing
 * handles (which are not in plots).
 *
 * <pre>
 * handles(handle TEXT PRIMARY KEY, datastore_id BLOB(32), tier INT, registration_time INT (epoch ms),
 *         metadata TEXT (JSON object), signature BLOB(64))
 * </pre>
 * First registration wins: the insert is {@code INSERT OR IGNORE} and the winner is read back in the
 * same synchronized section. Blocking; called from workers.
 */
public final class HandleTable implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One registration as stored. */
    public record Entry(String handle, Bytes32 datastoreId, int tier, long registrationTimeMillis,
            SortedMap<String, String> metadata, byte[] signature) {
    }

    private final Connection db;

    public HandleTable(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE IF NOT EXISTS handles (handle TEXT PRIMARY KEY, datastore_id BLOB NOT NULL,"
                        + " tier INTEGER NOT NULL, registration_time INTEGER NOT NULL, metadata TEXT NOT NULL,"
                        + " signature BLOB NOT NULL)");
            }
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the handle table " + file + ": " + e.getMessage(), e);
        }
    }

    /** Inserts unless the handle exists; returns the entry now stored (the earlier one if it existed). */
    public synchronized Entry registerIfAbsent(Entry e) {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT OR IGNORE INTO handles(handle, datastore_id, tier, registration_time, metadata, signature)"
                        + " VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, e.handle());
            ps.setBytes(2, e.datastoreId().toArray());
            ps.setInt(3, e.tier());
            ps.setLong(4, e.registrationTimeMillis());
            ps.setString(5, JSON.writeValueAsString(e.metadata()));
            ps.setBytes(6, e.signature());
            ps.executeUpdate();
            return find(e.handle()).orElseThrow();
        } catch (SQLException | JsonProcessingException ex) {
            throw new IllegalStateException("handle table write failed: " + ex.getMessage(), ex);
        }
    }

    public synchronized Optional<Entry> find(String handle) {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT datastore_id, tier, registration_time, metadata, signature FROM handles WHERE handle = ?")) {
            ps.setString(1, handle);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                SortedMap<String, String> meta = new TreeMap<>();
                JSON.readTree(rs.getString(4)).properties().forEach(kv -> meta.put(kv.getKey(), text(kv.getValue())));
                return Optional.of(new Entry(handle, Bytes32.wrap(rs.getBytes(1)), rs.getInt(2), rs.getLong(3), meta,
                        rs.getBytes(5)));
            }
        } catch (SQLException | JsonProcessingException ex) {
            throw new IllegalStateException("handle table read failed: " + ex.getMessage(), ex);
        }
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.textValue() : n.toString();
    }

    public synchronized long count() {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM handles")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException ex) {
            throw new IllegalStateException("handle table read failed: " + ex.getMessage(), ex);
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
