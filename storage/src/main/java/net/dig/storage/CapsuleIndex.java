package net.dig.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.dig.core.Bytes32;

/**
 * The SQLite index (WAL) of datastores, versions, capsule locations, plots and quarantined capsules.
 * Plot files are the source of truth for everything but {@code bad_capsules}; the rest can be rebuilt
 * from them ({@link StorageEngine#rebuildIndex()}).
 *
 * <pre>
 *   meta(key PK, value)    -- schema_version = 3
 *   plots(path PK, plot_id, size_bytes, capsule_count, creation_time, status, reason)
 *   datastores(datastore_id PK, name, current_version)
 *   versions(datastore_id, version, merkle_root, capsule_count, total_size, capsule_size, creation_time,
 *            owner_key, signature, name, manifest  -- Manifest.encode(); PK (datastore_id, version))
 *   capsules(datastore_id, version, capsule_index, plot_path, plot_id, offset, stored_length, codec, size,
 *            hash, chunk_hashes_offset; PK (datastore_id, version, capsule_index, plot_path))
 *   bad_capsules(plot_path, datastore_id, capsule_index, reason; PK (plot_path, datastore_id, capsule_index))
 * </pre>
 * Ids are {@code 0x} hex text so the file reads well in {@code sqlite3}. Plot paths ({@code plots.path},
 * {@code capsules.plot_path}, {@code bad_capsules.plot_path}) are stored relative to the directory
 * holding the index file (the node's data directory) when the plot lies under it, absolute otherwise (a
 * plot directory on another disk), so a data directory copied or moved elsewhere still finds its plots.
 * Every method takes and returns absolute paths; the translation is here and nowhere else. No column depends on when or
 * in which order rows were written, so a rebuilt index equals the original row for row.
 *
 * <p>{@code bad_capsules} holds what a verify or a read found: a copy of a capsule whose bytes do not
 * match their hash. Neither a restart nor a rebuild rechecks capsule bytes, so the rows survive both
 * (a rebuild drops only the rows of plots that are gone); a clean verify of the plot clears them.
 *
 * <p>Schema history: version 1 had no {@code bad_capsules}; version 2 stored absolute plot paths. Opening
 * an older file upgrades it in one transaction: the table is added, the absolute paths that lie under
 * the data directory become relative, the version becomes 3. A file that is no SQLite database, is
 * damaged, is another program's database, has another version or lacks a column of these tables is
 * refused as {@link Unusable} or by SQLite's own {@code SQLITE_NOTADB}/{@code SQLITE_CORRUPT}
 * ({@link StorageErrorCode#INDEX_CORRUPT}); {@link #setAside} moves such a file out of the way so the
 * index can be rebuilt from the plots, and never deletes it.
 *
 * <p>Concurrency: one JDBC connection, every method synchronized on this object. Write batches run in
 * one transaction each.
 */
final class CapsuleIndex implements AutoCloseable {
    static final int SCHEMA_VERSION = 3;
    private static final List<String> PATH_COLUMNS = List.of("plots.path", "capsules.plot_path", "bad_capsules.plot_path");
    private static final java.time.format.DateTimeFormatter ASIDE_STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

    private final Connection db;
    private final Path base;

    /** The file is not an index of this schema (another program's database, another version, a missing column). */
    static final class Unusable extends SQLException {
        Unusable(String message) {
            super(message);
        }
    }

    record PlotRow(String path, String plotId, long sizeBytes, int capsuleCount, long creationTime, PlotStatus status,
                   String reason) {
        PlotSummary summary() {
            return new PlotSummary(plotId == null ? Bytes32.ZERO : Bytes32.fromHex(plotId), Path.of(path), sizeBytes,
                    capsuleCount, creationTime, status, reason);
        }
    }

    record CapsuleRow(String plotPath, String plotId, long offset, int storedLength, Compression codec, int size,
                      Bytes32 hash, long chunkHashesOffset, PlotStatus plotStatus, String plotReason) {}

    /** A copy of a capsule, in one plot, found not matching its hash. */
    record BadCapsule(String plotPath, Bytes32 datastoreId, int capsuleIndex, String reason) {}

    CapsuleIndex(Path file) throws SQLException {
        base = file.toAbsolutePath().normalize().getParent();
        db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try {
            createSchema();
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private void createSchema() throws SQLException {
        int version;
        try (Statement s = db.createStatement()) {
            version = existingVersion(s); // before anything is written: a refused file is left as it was
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA foreign_keys=OFF");
            s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.execute("INSERT OR IGNORE INTO meta VALUES('schema_version', '" + SCHEMA_VERSION + "')");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS plots(path TEXT PRIMARY KEY, plot_id TEXT, size_bytes INTEGER NOT NULL,
                      capsule_count INTEGER NOT NULL, creation_time INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS datastores(datastore_id TEXT PRIMARY KEY, name TEXT NOT NULL,
                      current_version INTEGER NOT NULL)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS versions(datastore_id TEXT NOT NULL, version INTEGER NOT NULL,
                      merkle_root TEXT NOT NULL, capsule_count INTEGER NOT NULL, total_size INTEGER NOT NULL,
                      capsule_size INTEGER NOT NULL, creation_time INTEGER NOT NULL, owner_key BLOB NOT NULL,
                      signature BLOB NOT NULL, name TEXT NOT NULL, manifest BLOB NOT NULL,
                      PRIMARY KEY(datastore_id, version))""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS capsules(datastore_id TEXT NOT NULL, version INTEGER NOT NULL,
                      capsule_index INTEGER NOT NULL, plot_path TEXT NOT NULL, plot_id TEXT NOT NULL,
                      offset INTEGER NOT NULL, stored_length INTEGER NOT NULL, codec TEXT NOT NULL, size INTEGER NOT NULL,
                      hash TEXT NOT NULL, chunk_hashes_offset INTEGER NOT NULL,
                      PRIMARY KEY(datastore_id, version, capsule_index, plot_path))""");
            s.execute("CREATE INDEX IF NOT EXISTS capsules_by_plot ON capsules(plot_path)");
        }
        if (version == 1 || version == 2) {
            inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    createBadCapsules(s);
                    relativizePaths();
                    s.execute("UPDATE meta SET value='" + SCHEMA_VERSION + "' WHERE key='schema_version'");
                }
            });
            version = SCHEMA_VERSION;
        }
        try (Statement s = db.createStatement()) {
            createBadCapsules(s);
            for (String probe : List.of(
                    "SELECT path, plot_id, size_bytes, capsule_count, creation_time, status, reason FROM plots",
                    "SELECT datastore_id, name, current_version FROM datastores",
                    "SELECT datastore_id, version, merkle_root, capsule_count, total_size, capsule_size, creation_time,"
                            + " owner_key, signature, name, manifest FROM versions",
                    "SELECT datastore_id, version, capsule_index, plot_path, plot_id, offset, stored_length, codec, size,"
                            + " hash, chunk_hashes_offset FROM capsules",
                    "SELECT plot_path, datastore_id, capsule_index, reason FROM bad_capsules")) {
                checkColumns(s, probe);
            }
        }
    }

    /**
     * The schema version of the file, {@link #SCHEMA_VERSION} for an empty one; {@link Unusable} for
     * another program's database (tables but no {@code meta}: never add ours to it) or a version this
     * code cannot read or upgrade.
     */
    private static int existingVersion(Statement s) throws SQLException {
        boolean hasTables = false;
        boolean hasMeta = false;
        try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type='table'")) {
            while (rs.next()) {
                hasTables = true;
                hasMeta |= rs.getString(1).equals("meta");
            }
        }
        if (!hasTables) {
            return SCHEMA_VERSION;
        }
        if (!hasMeta) {
            throw new Unusable("the file is an SQLite database but not a dig-node index (it has no meta table)");
        }
        String value;
        try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key='schema_version'")) {
            value = rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            if (StorageFailures.indexCode(e) != StorageErrorCode.IO) {
                throw e;
            }
            throw new Unusable("the index's meta table is not this node's: " + e.getMessage());
        }
        int version;
        try {
            version = value == null ? -1 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new Unusable("index schema version '" + value + "' is not a number");
        }
        if (version < 1 || version > SCHEMA_VERSION) {
            throw new Unusable("index schema version " + version + " is not supported (expected " + SCHEMA_VERSION + ")");
        }
        return version;
    }

    private static void checkColumns(Statement s, String select) throws SQLException {
        try (ResultSet ignored = s.executeQuery(select + " LIMIT 0")) {
            // the statement compiles: every column is there
        } catch (SQLException e) {
            if (StorageFailures.indexCode(e) != StorageErrorCode.IO) {
                throw e;
            }
            throw new Unusable("the index does not have this node's tables: " + e.getMessage());
        }
    }

    /** Version 2 stored absolute paths: those under the data directory become relative. */
    private void relativizePaths() throws SQLException {
        String prefix = base + java.io.File.separator;
        for (String column : PATH_COLUMNS) {
            String table = column.substring(0, column.indexOf('.'));
            String col = column.substring(column.indexOf('.') + 1);
            try (PreparedStatement ps = db.prepareStatement("UPDATE OR REPLACE " + table + " SET " + col + " = substr(" + col
                    + ", ?) WHERE substr(" + col + ", 1, ?) = ?")) {
                ps.setInt(1, prefix.length() + 1);
                ps.setInt(2, prefix.length());
                ps.setString(3, prefix);
                ps.executeUpdate();
            }
        }
    }

    /** How a plot path is stored: relative to the data directory when under it, else absolute as given. */
    private String stored(String path) {
        Path p = Path.of(path);
        if (!p.isAbsolute()) {
            return path;
        }
        Path n = p.normalize();
        return n.startsWith(base) && !n.equals(base) ? base.relativize(n).toString() : path;
    }

    private String stored(Path path) {
        return stored(path.toString());
    }

    /** The absolute path of a stored one. */
    private String absolute(String stored) {
        Path p = Path.of(stored);
        return p.isAbsolute() ? stored : base.resolve(p).toString();
    }

    /**
     * Moves an index file that cannot be used, with its {@code -wal} and {@code -shm} files, to
     * {@code <name>.corrupt-<UTC time>} beside it (SQLite finds the WAL of the moved file by the same
     * suffixes); nothing is deleted. Returns the new name of the main file, empty if there was none.
     */
    static Optional<Path> setAside(Path file, java.time.Instant now) throws java.io.IOException {
        String stamp = ASIDE_STAMP.format(now);
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp);
        for (int n = 2; java.nio.file.Files.exists(aside); n++) {
            aside = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp + "-" + n);
        }
        boolean moved = false;
        for (String suffix : List.of("-wal", "-shm", "")) {
            Path from = file.resolveSibling(file.getFileName() + suffix);
            if (java.nio.file.Files.exists(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                java.nio.file.Files.move(from, aside.resolveSibling(aside.getFileName() + suffix),
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                moved |= suffix.isEmpty();
            }
        }
        net.dig.core.AtomicFiles.syncDirectory(file.getParent());
        return moved ? Optional.of(aside) : Optional.empty();
    }

    private static void createBadCapsules(Statement s) throws SQLException {
        s.execute("""
                CREATE TABLE IF NOT EXISTS bad_capsules(plot_path TEXT NOT NULL, datastore_id TEXT NOT NULL,
                  capsule_index INTEGER NOT NULL, reason TEXT NOT NULL, PRIMARY KEY(plot_path, datastore_id, capsule_index))""");
    }

    /** Adds a valid plot: its row, its manifests (new versions only) and its capsule rows, in one transaction. */
    synchronized void addPlot(PlotReader plot) throws SQLException {
        inTransaction(() -> addPlotRows(plot));
    }

    private void addPlotRows(PlotReader plot) throws SQLException {
        String path = stored(plot.path());
        putPlotRow(new PlotRow(plot.path().toString(), plot.plotId().toHex(), plot.fileSize(), plot.entries().size(), plot.creationTime(),
                PlotStatus.OK, null));
        for (Manifest m : plot.manifests()) {
            putManifest(m);
        }
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT OR REPLACE INTO capsules VALUES(?,?,?,?,?,?,?,?,?,?,?)")) {
            for (PlotReader.Entry e : plot.entries()) {
                Manifest m = plot.manifest(e.datastoreId());
                ps.setString(1, e.datastoreId().toHex());
                ps.setLong(2, m.version().version());
                ps.setInt(3, e.index());
                ps.setString(4, path);
                ps.setString(5, plot.plotId().toHex());
                ps.setLong(6, e.offset());
                ps.setInt(7, e.storedLength());
                ps.setString(8, e.codec().label());
                ps.setInt(9, e.size());
                ps.setString(10, e.hash().toHex());
                ps.setLong(11, e.chunkHashesOffset());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void putManifest(Manifest m) throws SQLException {
        DatastoreVersion v = m.version();
        String id = v.datastoreId().toHex();
        try (PreparedStatement ps = db.prepareStatement("INSERT OR IGNORE INTO versions VALUES(?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, id);
            ps.setLong(2, v.version());
            ps.setString(3, v.merkleRoot().toHex());
            ps.setInt(4, v.capsuleCount());
            ps.setLong(5, v.totalSize());
            ps.setInt(6, v.capsuleSize());
            ps.setLong(7, v.creationTime());
            ps.setBytes(8, v.ownerPublicKey());
            ps.setBytes(9, v.signature());
            ps.setString(10, m.name());
            ps.setBytes(11, m.encode());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT INTO datastores VALUES(?,?,?) ON CONFLICT(datastore_id) DO UPDATE
                  SET name=excluded.name, current_version=excluded.current_version
                  WHERE excluded.current_version > datastores.current_version""")) {
            ps.setString(1, id);
            ps.setString(2, m.name());
            ps.setLong(3, v.version());
            ps.executeUpdate();
        }
    }

    synchronized void putPlot(PlotRow row) throws SQLException {
        putPlotRow(row);
    }

    private void putPlotRow(PlotRow row) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO plots VALUES(?,?,?,?,?,?,?)")) {
            ps.setString(1, stored(row.path()));
            ps.setString(2, row.plotId());
            ps.setLong(3, row.sizeBytes());
            ps.setInt(4, row.capsuleCount());
            ps.setLong(5, row.creationTime());
            ps.setString(6, row.status().name());
            ps.setString(7, row.reason());
            ps.executeUpdate();
        }
    }

    synchronized List<PlotRow> plots() throws SQLException {
        List<PlotRow> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM plots ORDER BY path"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(plotRow(rs));
            }
        }
        return out;
    }

    private PlotRow plotRow(ResultSet rs) throws SQLException {
        return new PlotRow(absolute(rs.getString("path")), rs.getString("plot_id"), rs.getLong("size_bytes"), rs.getInt("capsule_count"),
                rs.getLong("creation_time"), PlotStatus.valueOf(rs.getString("status")), rs.getString("reason"));
    }

    synchronized Optional<Long> currentVersion(Bytes32 datastoreId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT current_version FROM datastores WHERE datastore_id=?")) {
            ps.setString(1, datastoreId.toHex());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    synchronized Optional<Manifest> manifest(Bytes32 datastoreId, long version) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT manifest FROM versions WHERE datastore_id=? AND version=?")) {
            ps.setString(1, datastoreId.toHex());
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Manifest.decode(rs.getBytes(1))) : Optional.empty();
            }
        }
    }

    synchronized List<DatastoreSummary> datastores() throws SQLException {
        List<DatastoreSummary> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT d.datastore_id, d.name, d.current_version, v.capsule_count, v.total_size, v.merkle_root, v.creation_time
                FROM datastores d JOIN versions v ON v.datastore_id = d.datastore_id AND v.version = d.current_version
                ORDER BY d.name, d.datastore_id""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new DatastoreSummary(Bytes32.fromHex(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getInt(4),
                        rs.getLong(5), Bytes32.fromHex(rs.getString(6)), rs.getLong(7)));
            }
        }
        return out;
    }

    /** Every copy of a capsule, plots that may be served first. */
    synchronized List<CapsuleRow> capsule(Bytes32 datastoreId, long version, int index) throws SQLException {
        List<CapsuleRow> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT c.plot_path, c.plot_id, c.offset, c.stored_length, c.codec, c.size, c.hash, c.chunk_hashes_offset,
                       p.status, p.reason
                FROM capsules c JOIN plots p ON p.path = c.plot_path
                WHERE c.datastore_id=? AND c.version=? AND c.capsule_index=?
                ORDER BY CASE p.status WHEN 'OK' THEN 0 ELSE 1 END, c.plot_path""")) {
            ps.setString(1, datastoreId.toHex());
            ps.setLong(2, version);
            ps.setInt(3, index);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CapsuleRow(absolute(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getInt(4),
                            Compression.parse(rs.getString(5)), rs.getInt(6), Bytes32.fromHex(rs.getString(7)), rs.getLong(8),
                            PlotStatus.valueOf(rs.getString(9)), rs.getString(10)));
                }
            }
        }
        return out;
    }

    /** Records bad capsules; a capsule found bad again keeps its first reason. */
    synchronized void putBadCapsules(List<BadCapsule> bad) throws SQLException {
        inTransaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("INSERT OR IGNORE INTO bad_capsules VALUES(?,?,?,?)")) {
                for (BadCapsule b : bad) {
                    ps.setString(1, stored(b.plotPath()));
                    ps.setString(2, b.datastoreId().toHex());
                    ps.setInt(3, b.capsuleIndex());
                    ps.setString(4, b.reason());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /**
     * SQLite's {@code PRAGMA data_version}: changes when another connection (another process: a CLI
     * next to the running node) committed to the index since the last call; this connection's own
     * commits leave it unchanged.
     */
    synchronized long dataVersion() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Forgets the bad capsules of one plot (a verify found it clean); true if there were any. */
    synchronized boolean clearBadCapsules(String plotPath) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM bad_capsules WHERE plot_path=?")) {
            ps.setString(1, stored(plotPath));
            return ps.executeUpdate() > 0;
        }
    }

    synchronized List<BadCapsule> badCapsules() throws SQLException {
        List<BadCapsule> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT * FROM bad_capsules ORDER BY plot_path, datastore_id, capsule_index");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new BadCapsule(absolute(rs.getString(1)), Bytes32.fromHex(rs.getString(2)), rs.getInt(3), rs.getString(4)));
            }
        }
        return out;
    }

    /** Paths of the plots holding capsules of a datastore (any version). */
    synchronized List<String> plotsHolding(Bytes32 datastoreId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT DISTINCT plot_path FROM capsules WHERE datastore_id=? ORDER BY plot_path")) {
            ps.setString(1, datastoreId.toHex());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(absolute(rs.getString(1)));
                }
            }
        }
        return out;
    }

    /**
     * In one transaction: forgets a datastore (every version, capsule and bad capsule row), drops the
     * rows of the plots {@code removed}, and adds the plots {@code added}. Readers see the index before
     * the eviction or after it, never in between.
     */
    synchronized void evict(Bytes32 datastoreId, List<String> removed, List<PlotReader> added) throws SQLException {
        inTransaction(() -> {
            String id = datastoreId.toHex();
            for (String sql : List.of("DELETE FROM capsules WHERE datastore_id=?", "DELETE FROM versions WHERE datastore_id=?",
                    "DELETE FROM datastores WHERE datastore_id=?", "DELETE FROM bad_capsules WHERE datastore_id=?")) {
                update(sql, id);
            }
            for (String path : removed) {
                for (String sql : List.of("DELETE FROM capsules WHERE plot_path=?", "DELETE FROM plots WHERE path=?",
                        "DELETE FROM bad_capsules WHERE plot_path=?")) {
                    update(sql, stored(path));
                }
            }
            for (PlotReader plot : added) {
                addPlotRows(plot);
            }
        });
    }

    private void update(String sql, String arg) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, arg);
            ps.executeUpdate();
        }
    }

    /**
     * In one transaction: optionally deletes every row ({@code replace}; bad capsules only of plots that
     * are gone), then adds the valid plots and records the quarantined ones. Readers see the index before
     * or after, never in between.
     */
    synchronized void indexPlots(boolean replace, List<PlotReader> valid, List<PlotRow> quarantined) throws SQLException {
        inTransaction(() -> {
            if (replace) {
                try (Statement s = db.createStatement()) {
                    s.execute("DELETE FROM capsules");
                    s.execute("DELETE FROM versions");
                    s.execute("DELETE FROM datastores");
                    s.execute("DELETE FROM plots");
                }
                Set<String> kept = new HashSet<>();
                valid.forEach(p -> kept.add(p.path().toString()));
                quarantined.forEach(r -> kept.add(r.path()));
                for (BadCapsule b : badCapsules()) {
                    if (!kept.contains(b.plotPath())) {
                        update("DELETE FROM bad_capsules WHERE plot_path=?", stored(b.plotPath()));
                    }
                }
            }
            for (PlotReader plot : valid) {
                addPlotRows(plot);
            }
            for (PlotRow row : quarantined) {
                putPlotRow(row);
            }
        });
    }

    /** SQLite's {@code quick_check}: an {@link Unusable} index unless the file's structure is sound. */
    synchronized void check() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
            String first = rs.next() ? rs.getString(1) : "ok";
            if (!"ok".equals(first)) {
                throw new Unusable("the index fails its integrity check: " + first);
            }
        }
    }

    /**
     * A plot indexed at {@code from} whose file is gone was found, same plot id, at {@code to} (its
     * directory was copied or moved): in one transaction its bad capsules move to the new path and
     * the old rows go.
     */
    synchronized void plotMoved(String from, String to) throws SQLException {
        inTransaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE OR IGNORE bad_capsules SET plot_path=? WHERE plot_path=?")) {
                ps.setString(1, stored(to));
                ps.setString(2, stored(from));
                ps.executeUpdate();
            }
            deletePlotRows(from);
        });
    }

    /** Forgets the plot file at {@code path}: its row, its capsule rows and its bad-capsule findings, in one transaction. */
    synchronized void removePlot(String path) throws SQLException {
        inTransaction(() -> deletePlotRows(path));
    }

    private void deletePlotRows(String path) throws SQLException {
        for (String sql : List.of("DELETE FROM bad_capsules WHERE plot_path=?", "DELETE FROM capsules WHERE plot_path=?",
                "DELETE FROM plots WHERE path=?")) {
            update(sql, stored(path));
        }
    }

    /** All rows of the five tables in a fixed order, as text (for comparing indexes). */
    synchronized List<String> dump() throws SQLException {
        List<String> out = new ArrayList<>();
        for (String q : List.of("SELECT * FROM plots ORDER BY path",
                "SELECT * FROM datastores ORDER BY datastore_id",
                "SELECT * FROM versions ORDER BY datastore_id, version",
                "SELECT * FROM capsules ORDER BY datastore_id, version, capsule_index, plot_path",
                "SELECT * FROM bad_capsules ORDER BY plot_path, datastore_id, capsule_index")) {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(q)) {
                int cols = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder(rs.getMetaData().getTableName(1)).append(':');
                    for (int c = 1; c <= cols; c++) {
                        Object o = rs.getObject(c);
                        row.append(o instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(o)).append('|');
                    }
                    out.add(row.toString());
                }
            }
        }
        return out;
    }

    private interface Work {
        void run() throws SQLException;
    }

    private void inTransaction(Work work) throws SQLException {
        db.setAutoCommit(false);
        try {
            work.run();
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    boolean isOpen() {
        try {
            return !db.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        db.close();
    }
}
