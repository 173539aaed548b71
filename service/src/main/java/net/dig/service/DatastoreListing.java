package net.dig.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.storage.DatastoreSummary;

/**
 * What this node holds and why, one page at a time: the rows of {@code GET /datastores} and of
 * {@code dig-node datastore list}, built here so both show the same fields ({@link Row#fields}).
 *
 * <p>Rows are in ascending datastore id order; a page holds at most {@code limit} rows (1..{@link #MAX_LIMIT})
 * after the cursor (the last id of the previous page, exclusive), and names the cursor of the next page
 * when more follow. Why a datastore is kept comes from a {@link Reason} source ({@link #byOrigin}).
 */
public final class DatastoreListing {
    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;

    /** Why the node keeps a datastore, as a short lower-case word. */
    @FunctionalInterface
    public interface Reason {
        String of(DatastoreSummary datastore);
    }

    /**
     * Why from where it came: {@code added_locally} when this node's key created it; {@code replicated} when the
     * version held was taken from peers ({@code taken}: replication, re-replication, an archive or cache fetch);
     * else {@code received} (pushed to this node over HTTP, or held before the node recorded where copies came from).
     */
    public static Reason byOrigin(DatastoreService datastores, byte[] nodeKey, OfferedVersions taken) {
        byte[] key = nodeKey.clone();
        Objects.requireNonNull(taken, "taken");
        return d -> {
            if (datastores.manifest(d.datastoreId()).map(m -> Arrays.equals(m.version().ownerPublicKey(), key)).orElse(false)) {
                return "added_locally";
            }
            return taken.offered(d.datastoreId(), d.version()) ? "replicated" : "received";
        };
    }

    /** One held datastore. */
    public record Row(DatastoreSummary datastore, String reason) {
        /** The row's fields, in the order both the API and the CLI print them. */
        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("datastore_id", datastore.datastoreId().toHex());
            m.put("name", datastore.name());
            m.put("version", datastore.version());
            m.put("capsule_count", datastore.capsuleCount());
            m.put("total_size", datastore.totalSize());
            m.put("merkle_root", datastore.merkleRoot().toHex());
            m.put("creation_time", datastore.creationTime());
            m.put("reason", reason);
            return m;
        }
    }

    /** One page and the cursor of the next, empty on the last. */
    public record Page(List<Row> rows, Optional<Bytes32> nextCursor) {}

    private DatastoreListing() {}

    /** The page of {@code all} after {@code cursor}; {@link ErrorCode#BAD_FIELD} for a limit outside 1..{@link #MAX_LIMIT}. */
    public static Page page(List<DatastoreSummary> all, Reason reason, int limit, Optional<Bytes32> cursor) {
        Objects.requireNonNull(reason, "reason");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "limit must be within 1.." + MAX_LIMIT + ", got " + limit);
        }
        List<DatastoreSummary> sorted = all.stream().sorted(java.util.Comparator.comparing(DatastoreSummary::datastoreId))
                .filter(d -> cursor.isEmpty() || d.datastoreId().compareTo(cursor.get()) > 0).toList();
        List<Row> rows = new ArrayList<>();
        for (DatastoreSummary d : sorted.subList(0, Math.min(limit, sorted.size()))) {
            rows.add(new Row(d, reason.of(d)));
        }
        Optional<Bytes32> next = sorted.size() > limit ? Optional.of(rows.getLast().datastore().datastoreId()) : Optional.empty();
        return new Page(rows, next);
    }

    /** Every row, page after page. */
    public static List<Row> all(List<DatastoreSummary> all, Reason reason) {
        List<Row> out = new ArrayList<>();
        Optional<Bytes32> cursor = Optional.empty();
        do {
            Page p = page(all, reason, MAX_LIMIT, cursor);
            out.addAll(p.rows());
            cursor = p.nextCursor();
        } while (cursor.isPresent());
        return out;
    }
}
