package net.dig.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.core.Sha256;

/**
 * Reads capsules, chunks and chunk proofs from the plots, and hands out regions to transfer.
 *
 * <h2>One copy loop</h2>
 * A capsule may have copies in several plots. Every read goes through {@link #firstGoodCopy}: it asks
 * {@link #copies} for the copies that may be used, tries them in order, and returns the first whose
 * bytes check out. A copy whose bytes do not match their hash is recorded as a bad capsule in the
 * {@link Quarantine} (persisted) and the next copy is tried; a copy whose plot fails its checks on
 * first open quarantines the plot. Only when every copy failed does the read fail, with the last
 * failure.
 *
 * <h2>Nothing unverified is sent as stored</h2>
 * {@link #locate} and {@link #region} hand out stored bytes to be sent without a copy (plain bytes by
 * {@code sendfile}, zstd frames as they are). Each copy is rehashed the first time it is handed out
 * since its plot was opened, and remembered as good in one bit per capsule of the plot's reader; the
 * scrubber rehashes it again on every pass. Later rot between two passes is caught by the next pass,
 * by a hash-checked read, or by a client checking {@code X-Capsule-Hash}.
 *
 * <h2>Quarantine is enforced here</h2>
 * {@link #copies} never returns a copy in a quarantined plot, nor, for whole-capsule reads and regions,
 * a copy recorded as bad; copies in plots that are servable whole come first. Callers cannot forget the
 * check: there is no other way to a capsule's bytes. Chunk reads may use a bad capsule's copy, because
 * each chunk is checked against its own hash and only matching chunks are returned.
 *
 * <h2>Concurrency and failure modes</h2>
 * Thread-safe; positional reads on shared channels. Failures are {@link StorageException}s:
 * {@link StorageErrorCode#NOT_FOUND} (datastore or capsule not stored here),
 * {@link StorageErrorCode#QUARANTINED} (only quarantined or bad copies), {@link StorageErrorCode#IO}.
 * An index outside the datastore is an {@link IllegalArgumentException}.
 */
final class CapsuleReader {
    private final CapsuleIndex index;
    private final String indexName;
    private final PlotReaders readers;
    private final Quarantine quarantine;
    private final ManifestCache manifests;
    private final DiskUsage usage;

    /** Whether a read needs the whole capsule intact or checks chunk by chunk. */
    enum Use {
        WHOLE,
        CHUNKS
    }

    /** Reads one copy; {@link Mismatch} when its bytes do not match their hash. */
    interface CopyRead<T> {
        T read(PlotReader plot, CapsuleIndex.CapsuleRow row) throws IOException, Mismatch;
    }

    /** The bytes of a copy do not match their hash; the message says which and where. */
    static final class Mismatch extends Exception {
        private final String problem;

        Mismatch(String message, String problem) {
            super(message, null, false, false);
            this.problem = problem;
        }
    }

    CapsuleReader(CapsuleIndex index, String indexName, PlotReaders readers, Quarantine quarantine, ManifestCache manifests,
                  DiskUsage usage) {
        this.index = index;
        this.indexName = indexName;
        this.readers = readers;
        this.quarantine = quarantine;
        this.manifests = manifests;
        this.usage = usage;
    }

    /**
     * Where the first usable copy of a capsule of the current version is, checked against its hash
     * if it was not since its plot was opened ({@link #knownGood}); empty if not stored here.
     */
    Optional<CapsuleLocation> locate(Bytes32 datastoreId, int capsuleIndex) {
        Optional<Long> version = StorageFailures.index("index " + indexName + " failed", () -> index.currentVersion(datastoreId));
        if (version.isEmpty()) {
            return Optional.empty();
        }
        if (rows(datastoreId, version.get(), capsuleIndex).isEmpty()) {
            return Optional.empty();
        }
        Manifest m = manifests.require(datastoreId);
        return Optional.of(firstGoodCopy(m, capsuleIndex, Use.WHOLE, "capsule " + capsuleIndex + " of datastore " + datastoreId,
                (plot, r) -> {
                    knownGood(plot, r, datastoreId, capsuleIndex);
                    return new CapsuleLocation(Bytes32.fromHex(r.plotId()), Path.of(r.plotPath()), r.offset(), r.storedLength(),
                            r.codec(), r.size(), r.hash());
                }));
    }

    /**
     * The stored bytes of a usable copy of a capsule, as a region of an open plot, checked against its
     * hash if it was not since its plot was opened ({@link #knownGood}).
     */
    CapsuleRegion region(Bytes32 datastoreId, int capsuleIndex) {
        Manifest m = manifests.require(datastoreId);
        checkCapsuleIndex(m, capsuleIndex);
        return firstGoodCopy(m, capsuleIndex, Use.WHOLE, "capsule " + capsuleIndex + " of datastore " + datastoreId,
                (plot, r) -> {
                    knownGood(plot, r, datastoreId, capsuleIndex);
                    return new CapsuleRegion(Bytes32.fromHex(r.plotId()), plot.channel(), r.offset(), r.storedLength(),
                            r.codec(), r.size(), r.hash());
                });
    }

    /**
     * Makes sure the stored bytes of a copy are good before they are sent as they are (zero-copy plain
     * bytes, or a zstd frame): the first time since the plot was opened, the capsule is rehashed (a zstd
     * frame is decompressed and the result hashed, docs/decisions.md D30f) and remembered in the plot
     * reader's bitset; a mismatch is a {@link Mismatch}, which records the copy as bad.
     */
    private static void knownGood(PlotReader plot, CapsuleIndex.CapsuleRow r, Bytes32 datastoreId, int capsuleIndex)
            throws IOException, Mismatch {
        PlotReader.Entry e = plot.entryAt(r.offset());
        if (e == null || !e.datastoreId().equals(datastoreId) || e.index() != capsuleIndex) {
            throw new IOException("plot " + r.plotPath() + " holds no record of capsule " + capsuleIndex + " at byte " + r.offset()
                    + " (the index is out of date)");
        }
        if (plot.verified(e)) {
            return;
        }
        String why = plot.checkCapsule(e);
        if (why != null) {
            throw new Mismatch("capsule " + capsuleIndex + " of datastore " + datastoreId + " in plot " + r.plotPath()
                    + " does not match its hash: " + why, why);
        }
        plot.markVerified(e);
    }

    /**
     * The capsule indices of the current version of a datastore with no copy that may be served whole
     * (every copy recorded bad or in a quarantined plot), ascending. Only capsules with a finding or in a
     * quarantined plot are looked up, so a healthy datastore costs one index query.
     */
    List<Integer> unavailable(Bytes32 datastoreId) {
        Manifest m = manifests.require(datastoreId);
        long version = m.version().version();
        java.util.SortedSet<Integer> candidates = new java.util.TreeSet<>(quarantine.badIndicesOf(datastoreId));
        List<String> holding = StorageFailures.index("index " + indexName + " failed", () -> index.plotsHolding(datastoreId));
        if (holding.stream().anyMatch(quarantine::plotQuarantined)) {
            for (int i = 0; i < m.capsules().size(); i++) {
                candidates.add(i);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i : candidates) {
            if (i >= m.capsules().size()) {
                continue; // a finding about an older version
            }
            int capsule = i;
            boolean servable = rows(datastoreId, version, i).stream().anyMatch(r -> r.plotStatus() == PlotStatus.OK
                    && quarantine.servable(Bytes32.fromHex(r.plotId()), r.plotPath(), datastoreId, capsule));
            if (!servable) {
                out.add(i);
            }
        }
        return out;
    }

    /** The uncompressed bytes of a capsule, checked against its hash. */
    byte[] capsule(Bytes32 datastoreId, int capsuleIndex) {
        Manifest m = manifests.require(datastoreId);
        checkCapsuleIndex(m, capsuleIndex);
        return firstGoodCopy(m, capsuleIndex, Use.WHOLE, "capsule " + capsuleIndex + " of datastore " + datastoreId, (plot, r) -> {
            byte[] data = CapsuleCodec.decode(plot.readStoredAt(r.offset(), r.storedLength()), r.codec(), r.size());
            if (!Sha256.hash(data).equals(r.hash())) {
                throw new Mismatch("capsule " + capsuleIndex + " of datastore " + datastoreId + " in plot " + r.plotPath()
                        + " does not match its hash (run plot verify)", "capsule hash mismatch");
            }
            PlotReader.Entry e = plot.entryAt(r.offset());
            if (e != null && e.datastoreId().equals(datastoreId) && e.index() == capsuleIndex && e.hash().equals(r.hash())) {
                plot.markVerified(e);
            }
            return data;
        });
    }

    /** The 4 KiB chunk {@code chunkIndex} of a capsule (the last may be short), checked against its chunk hash. */
    byte[] chunk(Bytes32 datastoreId, int capsuleIndex, int chunkIndex) {
        Manifest m = manifests.require(datastoreId);
        checkCapsuleIndex(m, capsuleIndex);
        checkChunkIndex(m, capsuleIndex, chunkIndex);
        String what = "chunk " + chunkIndex + " of capsule " + capsuleIndex + " of datastore " + datastoreId;
        return firstGoodCopy(m, capsuleIndex, Use.CHUNKS, what, (plot, r) -> {
            int from = chunkIndex * CapsuleHashes.CHUNK;
            int len = Math.min(CapsuleHashes.CHUNK, r.size() - from);
            byte[] chunk;
            if (r.codec() == Compression.NONE) {
                chunk = plot.readStoredAt(r.offset() + from, len);
            } else {
                byte[] all = CapsuleCodec.decode(plot.readStoredAt(r.offset(), r.storedLength()), r.codec(), r.size());
                chunk = Arrays.copyOfRange(all, from, from + len);
            }
            byte[] hashes = chunkHashes(plot, r);
            if (!MerkleTree.leafHash(chunk).equals(Bytes32.wrap(hashes, 32 * chunkIndex))) {
                throw new Mismatch(what + " in plot " + r.plotPath() + " does not match its chunk hash (run plot verify)",
                        "chunk " + chunkIndex + " does not match its chunk hash");
            }
            return chunk;
        });
    }

    /** Proof of chunk {@code chunkIndex} ({@code leaf(chunk)}) against the capsule's chunk_root. */
    MerkleProof chunkProof(Bytes32 datastoreId, int capsuleIndex, int chunkIndex) {
        Manifest m = manifests.require(datastoreId);
        checkCapsuleIndex(m, capsuleIndex);
        checkChunkIndex(m, capsuleIndex, chunkIndex);
        Bytes32 chunkRoot = m.capsules().get(capsuleIndex).chunkRoot();
        return firstGoodCopy(m, capsuleIndex, Use.CHUNKS, "chunk hashes of capsule " + capsuleIndex + " of datastore "
                + datastoreId, (plot, r) -> {
            byte[] hashes = chunkHashes(plot, r);
            List<Bytes32> leaves = new ArrayList<>(hashes.length / 32);
            for (int i = 0; i < hashes.length; i += 32) {
                leaves.add(Bytes32.wrap(hashes, i));
            }
            MerkleTree tree = MerkleTree.of(leaves);
            if (!tree.root().equals(chunkRoot)) {
                throw new Mismatch("chunk hashes of capsule " + capsuleIndex + " in plot " + r.plotPath()
                        + " do not match the chunk root", "chunk hashes do not match the chunk root");
            }
            return tree.proof(chunkIndex);
        });
    }

    private static byte[] chunkHashes(PlotReader plot, CapsuleIndex.CapsuleRow r) throws IOException {
        return plot.readStoredAt(r.chunkHashesOffset(), 32 * PlotWriter.chunkCount(r.size()));
    }

    /**
     * The one copy loop: the first usable copy whose read succeeds. When every copy failed to be read
     * (not to match) and the index now lists other copies (an eviction or rebuild moved the capsule
     * meanwhile), the new copies are tried once.
     */
    private <T> T firstGoodCopy(Manifest m, int capsuleIndex, Use use, String what, CopyRead<T> read) {
        Bytes32 id = m.datastoreId();
        List<CapsuleIndex.CapsuleRow> tried = List.of();
        StorageException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            List<CapsuleIndex.CapsuleRow> rows = rows(id, m.version().version(), capsuleIndex);
            if (rows.isEmpty()) {
                throw new StorageException(StorageErrorCode.NOT_FOUND, "capsule " + capsuleIndex + " of datastore " + id
                        + " is not stored on this node");
            }
            if (attempt > 0 && rows.equals(tried)) {
                break;
            }
            tried = rows;
            boolean onlyUnreadable = true;
            for (CapsuleIndex.CapsuleRow r : usable(id, capsuleIndex, rows, use)) {
                PlotReader plot;
                try {
                    plot = open(r.plotPath());
                } catch (PlotReader.Corrupt e) {
                    last = new StorageException(StorageErrorCode.QUARANTINED, "cannot read " + what + " from plot "
                            + r.plotPath() + ": plot " + r.plotPath() + " is quarantined: " + e.getMessage());
                    onlyUnreadable = false;
                    continue;
                } catch (IOException e) {
                    last = StorageFailures.io("cannot read " + what + " from plot " + r.plotPath(), e);
                    continue;
                }
                try {
                    return read.read(plot, r);
                } catch (Mismatch e) {
                    quarantine.capsules(r.plotPath(), Bytes32.fromHex(r.plotId()),
                            List.of(new CapsuleProblem(id, capsuleIndex, e.problem)));
                    last = new StorageException(StorageErrorCode.QUARANTINED, e.getMessage());
                    onlyUnreadable = false;
                } catch (IOException e) {
                    last = StorageFailures.io("cannot read " + what + " from plot " + r.plotPath(), e);
                }
            }
            if (!onlyUnreadable) {
                break;
            }
        }
        throw last;
    }

    private PlotReader open(String path) throws IOException, PlotReader.Corrupt {
        PlotReader open = readers.ifOpen(path);
        if (open != null) {
            return open;
        }
        // indexed by another process (a CLI ingest next to a running node): open and check it once
        try {
            PlotReader r = readers.get(path);
            usage.added(r.path(), r.fileSize());
            return r;
        } catch (PlotReader.Corrupt e) {
            quarantine.plot(Path.of(path), e.reason());
            throw e;
        }
    }

    private List<CapsuleIndex.CapsuleRow> rows(Bytes32 datastoreId, long version, int capsuleIndex) {
        return StorageFailures.index("index " + indexName + " failed", () -> index.capsule(datastoreId, version, capsuleIndex));
    }

    /**
     * The copies a read may use, copies in plots servable whole first; refuses with
     * {@link StorageErrorCode#QUARANTINED} when there is none.
     */
    private List<CapsuleIndex.CapsuleRow> usable(Bytes32 datastoreId, int capsuleIndex, List<CapsuleIndex.CapsuleRow> rows,
                                                 Use use) {
        List<CapsuleIndex.CapsuleRow> ok = rows.stream().filter(r -> r.plotStatus() == PlotStatus.OK).toList();
        if (ok.isEmpty()) {
            throw new StorageException(StorageErrorCode.QUARANTINED, "capsule " + capsuleIndex + " of datastore " + datastoreId
                    + " is only in quarantined plot " + rows.getFirst().plotPath() + ": " + rows.getFirst().plotReason());
        }
        List<CapsuleIndex.CapsuleRow> whole = new ArrayList<>();
        List<CapsuleIndex.CapsuleRow> partly = new ArrayList<>();
        String badReason = null;
        String badPlot = null;
        for (CapsuleIndex.CapsuleRow r : ok) {
            String bad = quarantine.badCapsule(r.plotPath(), datastoreId, capsuleIndex);
            if (bad != null && use == Use.WHOLE) {
                badReason = badReason == null ? bad : badReason;
                badPlot = badPlot == null ? r.plotPath() : badPlot;
                continue;
            }
            (quarantine.plotServable(Bytes32.fromHex(r.plotId())) ? whole : partly).add(r);
        }
        whole.addAll(partly);
        if (whole.isEmpty()) {
            throw new StorageException(StorageErrorCode.QUARANTINED, "capsule " + capsuleIndex + " of datastore " + datastoreId
                    + " in plot " + badPlot + " does not match its hash or cannot be read (quarantined: " + badReason + ")");
        }
        return whole;
    }

    static void checkCapsuleIndex(Manifest m, int capsuleIndex) {
        if (capsuleIndex < 0 || capsuleIndex >= m.capsules().size()) {
            throw new IllegalArgumentException("capsule index " + capsuleIndex + " is outside datastore " + m.datastoreId()
                    + " (" + m.capsules().size() + " capsules)");
        }
    }

    private static void checkChunkIndex(Manifest m, int capsuleIndex, int chunkIndex) {
        int chunks = PlotWriter.chunkCount(m.capsules().get(capsuleIndex).size());
        if (chunkIndex < 0 || chunkIndex >= chunks) {
            throw new IllegalArgumentException("chunk index " + chunkIndex + " is outside capsule " + capsuleIndex
                    + " (" + chunks + " chunks)");
        }
    }
}
