package net.dig.service;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import net.dig.core.Sha256;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;

/**
 * A reader's download of one datastore from nodes that serve it over HTTP ({@code dig-node get}), with
 * nothing trusted but the owner's signature: the version record must carry a valid owner signature and
 * an id derived from the owner key ({@link Manifest#validate}, which also folds every capsule's
 * {@code capsule_hash ‖ chunk_root} to the signed {@code merkle_root}); every capsule must then have its
 * listed size and hash to its listed {@code capsule_hash} (so every byte is the owner's: the signed root
 * commits to that hash); every file written must hash to its listed SHA-256.
 *
 * <h2>Sources</h2>
 * Each {@link Source} is one node. The highest signed version any source offers is the one fetched;
 * sources offering another version, or a manifest that does not validate, are not asked for capsules.
 * Capsules are fetched {@code parallel} at a time, capsule {@code i} first from source
 * {@code i mod n}, so the work spreads over every source. A source that serves a capsule failing its
 * check is skipped for the rest of the download and the capsule is asked of the next source; one that
 * only fails to answer (I/O) stays in use. A capsule no source can give verified ends the download
 * with {@link ErrorCode#UNAVAILABLE} (or {@link ErrorCode#VERIFICATION_FAILED} when every source
 * that answered served bad bytes).
 *
 * <h2>Staging and resume</h2>
 * <pre>
 *   OUT_PARENT/.OUT_NAME.dig-get/
 *     capsules/HASH          one verified capsule, named by its capsule_hash (hex), written atomically
 *     assembly/              the file or directory being written from the capsules
 * </pre>
 * Capsules are named by their hash, so a rerun (after a kill, or once a newer version appeared) keeps
 * every capsule it already verified (checked again against its hash, so one damaged on disk meanwhile is
 * fetched again) and fetches only the others. Nothing appears at {@code OUT} until
 * the whole datastore is written and checked: the assembly is then renamed into place in one step and
 * the staging directory removed.
 *
 * <h2>What is written</h2>
 * A datastore whose file table is exactly one file named like the datastore and covering its whole byte
 * stream (what {@code datastore add FILE} makes) becomes that file at {@code OUT}; any other file table
 * becomes a directory at {@code OUT} with the table's relative paths; no file table, the raw byte stream
 * as one file.
 *
 * <p>Concurrency: {@link #run} blocks its caller and uses {@code parallel} virtual threads; sources must
 * be thread-safe. {@code progress} is advanced from those threads.
 */
public final class DatastoreDownload {
    /** One node serving datastores. Must be thread-safe. */
    public interface Source {
        /** How the node is named in messages, e.g. its URL. */
        String name();

        /** The manifest JSON the node serves for {@code id}; empty if it does not hold it. */
        Optional<String> manifest(Bytes32 id) throws IOException;

        /** Capsule {@code index} of {@code id}, decompressed. */
        byte[] capsule(Bytes32 id, int index) throws IOException;
    }

    /** What a finished download did: the version written, bytes fetched now, bytes kept from a previous run, sources skipped as bad. */
    public record Result(Manifest manifest, Path out, long fetchedBytes, long resumedBytes, List<String> badSources) {}

    private final List<Source> sources;
    private final int parallel;
    private final Progress progress;
    private final Map<Source, String> bad = new ConcurrentHashMap<>();
    private final Map<Source, Long> offers = new ConcurrentHashMap<>();
    private final AtomicLong fetched = new AtomicLong();

    public DatastoreDownload(List<Source> sources, int parallel, Progress progress) {
        this.sources = List.copyOf(sources);
        if (this.sources.isEmpty()) {
            throw new ServiceException(ErrorCode.BAD_REQUEST, "no node to download from");
        }
        if (parallel < 1 || parallel > 256) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "parallel must be within 1..256");
        }
        this.parallel = parallel;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** The staging directory of a download to {@code out}. */
    public static Path stagingOf(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".dig-get");
    }

    /** Downloads {@code id} into {@code out}, which must not exist. */
    public Result run(Bytes32 id, Path out) throws IOException, InterruptedException {
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new ServiceException(ErrorCode.BAD_PATH, target + " already exists; nothing is overwritten");
        }
        Path staging = stagingOf(target);
        Path capsules = staging.resolve("capsules");
        Files.createDirectories(capsules);
        Manifest m = chooseManifest(id);
        List<Source> current = sources.stream().filter(s -> !bad.containsKey(s) && offers.getOrDefault(s, 0L) == m.version().version()).toList();
        progress.begin("get " + (m.name().isEmpty() ? id.toHex().substring(0, 10) : m.name()), m.version().totalSize());
        long resumed = 0;
        try {
            List<CapsuleInfo> missing = new ArrayList<>();
            for (CapsuleInfo c : m.capsules()) {
                Path p = capsules.resolve(c.hash().toHex());
                if (Files.isRegularFile(p) && Files.size(p) == c.size() && check(c, Files.readAllBytes(p)) == null) {
                    resumed += c.size();
                } else {
                    Files.deleteIfExists(p);
                    missing.add(c);
                }
            }
            progress.advance(resumed);
            fetchAll(id, m, missing, current, capsules);
        } finally {
            progress.end();
        }
        Path assembly = staging.resolve("assembly");
        deleteTree(assembly);
        Files.createDirectories(assembly);
        Path written = assemble(m, capsules, assembly);
        try {
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new ServiceException(ErrorCode.BAD_PATH, target + " appeared meanwhile; the download stays in " + staging);
        }
        AtomicFiles.syncDirectory(target.getParent());
        deleteTree(staging);
        return new Result(m, target, fetched.get(), resumed, bad.values().stream().sorted().toList());
    }

    private Manifest chooseManifest(Bytes32 id) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        Manifest best = null;
        for (Source s : sources) {
            try {
                Optional<String> text = s.manifest(id);
                if (text.isEmpty()) {
                    problems.add(s.name() + ": does not hold it");
                    continue;
                }
                ManifestCodec.Decoded d = ManifestCodec.decode(text.get());
                Manifest m = new Manifest(d.version(), d.name(), d.capsules(), d.files());
                m.validate();
                if (!m.datastoreId().equals(id)) {
                    throw new IllegalArgumentException("it serves datastore " + m.datastoreId().toHex() + " instead");
                }
                offers.put(s, m.version().version());
                if (best == null || m.version().version() > best.version().version()) {
                    best = m;
                }
            } catch (IOException e) {
                problems.add(s.name() + ": " + e.getMessage());
            } catch (ServiceException | IllegalArgumentException e) {
                bad.put(s, s.name() + ": manifest refused: " + e.getMessage());
                problems.add(bad.get(s));
            }
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (best == null) {
            throw new ServiceException(bad.isEmpty() ? ErrorCode.UNKNOWN_DATASTORE : ErrorCode.VERIFICATION_FAILED,
                    "no node gave a valid signed manifest of " + id.toHex() + " (" + String.join("; ", problems) + ")");
        }
        return best;
    }

    private void fetchAll(Bytes32 id, Manifest m, List<CapsuleInfo> missing, List<Source> current, Path dir)
            throws IOException, InterruptedException {
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel, Thread.ofVirtual().name("get-", 0).factory())) {
            List<Future<?>> work = new ArrayList<>();
            for (CapsuleInfo c : missing) {
                work.add(pool.submit(() -> {
                    fetchOne(id, c, current, dir);
                    return null;
                }));
            }
            for (Future<?> f : work) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    work.forEach(w -> w.cancel(true));
                    switch (e.getCause()) {
                        case ServiceException se -> throw se;
                        case IOException io -> throw io;
                        default -> throw new IllegalStateException("capsule download failed", e.getCause());
                    }
                }
            }
        }
    }

    private void fetchOne(Bytes32 id, CapsuleInfo c, List<Source> current, Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        int n = current.size();
        for (int k = 0; k < n; k++) {
            Source s = current.get((c.index() + k) % n);
            if (bad.containsKey(s)) {
                continue;
            }
            byte[] bytes;
            try {
                bytes = s.capsule(id, c.index());
            } catch (IOException e) {
                problems.add(s.name() + ": " + e.getMessage());
                continue;
            }
            String problem = check(c, bytes);
            if (problem != null) {
                bad.put(s, s.name() + ": capsule " + c.index() + " " + problem);
                problems.add(bad.get(s));
                continue;
            }
            AtomicFiles.write(dir.resolve(c.hash().toHex()), bytes, AtomicFiles.Publish.REPLACE);
            fetched.addAndGet(bytes.length);
            progress.advance(bytes.length);
            return;
        }
        boolean allBad = !problems.isEmpty() && current.stream().allMatch(bad::containsKey);
        throw new ServiceException(allBad ? ErrorCode.VERIFICATION_FAILED : ErrorCode.UNAVAILABLE, "capsule " + c.index()
                + " could not be fetched verified from any node (" + (problems.isEmpty() ? "every node was skipped"
                : String.join("; ", problems)) + ")");
    }

    /** Why {@code bytes} is not capsule {@code c}; null when it is. */
    static String check(CapsuleInfo c, byte[] bytes) {
        if (bytes.length != c.size()) {
            return "has " + bytes.length + " bytes, not the signed " + c.size();
        }
        return Sha256.hash(bytes).equals(c.hash()) ? null : "does not hash to its signed capsule_hash";
    }

    private static Path assemble(Manifest m, Path capsules, Path assembly) throws IOException {
        List<FileEntry> files = m.files();
        boolean single = files.size() == 1 && files.getFirst().path().equals(m.name()) && files.getFirst().offset() == 0
                && files.getFirst().length() == m.version().totalSize() && !m.name().contains("/");
        if (files.isEmpty()) {
            Path raw = assembly.resolve("datastore.bin");
            writeRange(m, capsules, 0, m.version().totalSize(), raw, null);
            return raw;
        }
        if (single) {
            Path file = assembly.resolve(m.name());
            writeRange(m, capsules, 0, files.getFirst().length(), file, files.getFirst().sha256());
            return file;
        }
        Path root = assembly.resolve("tree");
        Files.createDirectories(root);
        for (FileEntry f : files) {
            Path p = root.resolve(f.path()).normalize();
            if (!p.startsWith(root) || FilePaths.check(f.path()) == null) {
                throw new ServiceException(ErrorCode.BAD_MANIFEST, "file path " + f.path() + " is not a safe relative path");
            }
            Files.createDirectories(p.getParent());
            writeRange(m, capsules, f.offset(), f.length(), p, f.sha256());
        }
        return root;
    }

    /** Writes bytes [offset, offset+length) of the datastore's stream to {@code file}, checking their SHA-256 if given. */
    private static void writeRange(Manifest m, Path capsules, long offset, long length, Path file, Bytes32 sha256)
            throws IOException {
        long cs = m.version().capsuleSize();
        MessageDigest digest = Sha256.newDigest();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
            long pos = offset;
            long end = offset + length;
            while (pos < end) {
                int ci = (int) (pos / cs);
                long capStart = ci * cs;
                CapsuleInfo c = m.capsules().get(ci);
                byte[] bytes = Files.readAllBytes(capsules.resolve(c.hash().toHex()));
                int from = (int) (pos - capStart);
                int to = (int) Math.min(c.size(), end - capStart);
                digest.update(bytes, from, to - from);
                os.write(bytes, from, to - from);
                pos = capStart + to;
            }
            os.flush();
            ch.force(true);
        }
        if (sha256 != null && !Bytes32.wrap(digest.digest(), 0).equals(sha256)) {
            throw new ServiceException(ErrorCode.VERIFICATION_FAILED, "file " + file.getFileName() + " does not match its signed SHA-256"
                    + "; its capsules in the staging directory are damaged");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
