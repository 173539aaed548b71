package net.dig.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push spool: where push bodies wait on disk while they are received, verified and committed,
 * bounded in total and per client ({@link PushLimits}).
 *
 * <h2>Layout</h2>
 * <pre>
 * &lt;dataDir&gt;/http-uploads/                  the spool root
 *     &lt;pid&gt;-&lt;start&gt;-&lt;n&gt;/                  one per running API server: owner pid, owner process start
 *                                            (epoch millis, 0 if unknown), the server's number in that process
 *         &lt;request&gt;/                         one per push being received (a counter)
 *             &lt;part&gt;                          one file per file part, in arrival order
 * </pre>
 * A server removes its own directory when it closes; a push removes its request directory when it
 * ends, whatever the outcome. At start, a server removes only the directories of owners that are no
 * longer running (no process with that pid, or one started at another time: the pid was reused), and
 * loose files of the older flat layout, so two processes that share a data dir never empty each other's
 * spool. The data dir lock is not relied on.
 *
 * <h2>Accounting</h2>
 * {@link #reserve} books bytes against the total and against every key of the client (its address, and
 * its API key if it has one) before they are written; the booking grows as a body of unknown length
 * arrives and is returned whole by {@link Reservation#release()} once the request directory is gone.
 * The bound is checked on what is booked, not on what the disk holds, so it holds while bytes are still
 * in flight. Thread-safe: one monitor guards the counters; nothing blocks under it.
 */
final class PushSpool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushSpool.class);
    private static final Pattern OWNER = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Path root;
    private final Path dir;
    private final PushLimits limits;
    private final AtomicLong requests = new AtomicLong();
    private final Map<String, Long> perClient = new HashMap<>();
    private long total;

    private PushSpool(Path root, Path dir, PushLimits limits) {
        this.root = root;
        this.dir = dir;
        this.limits = limits;
    }

    /** Creates this server's spool directory under {@code root} after removing what dead owners left there. */
    static PushSpool open(Path root, PushLimits limits) {
        ProcessHandle self = ProcessHandle.current();
        long start = startMillis(self);
        try {
            Files.createDirectories(root);
            removeStale(root);
            Path dir = Files.createDirectory(root.resolve(self.pid() + "-" + start + "-" + INSTANCES.incrementAndGet()));
            return new PushSpool(root, dir, limits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the push spool " + root + ": " + e.getMessage(), e);
        }
    }

    private static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    }

    /** Whether the owner named by a spool directory is still running. */
    static boolean ownerAlive(long pid, long start) {
        return ProcessHandle.of(pid).map(p -> {
            long actual = startMillis(p);
            return start == 0 || actual == 0 || actual == start;
        }).orElse(false);
    }

    private static void removeStale(Path root) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                    continue;
                }
                Matcher m = OWNER.matcher(p.getFileName().toString());
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && m.matches()
                        && !ownerAlive(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))) {
                    deleteTree(p);
                    LOG.atInfo().addKeyValue("component", "api").addKeyValue("event", "spool_removed")
                            .addKeyValue("dir", p.toString()).log("removed the push spool of a process that is gone");
                }
            }
        }
    }

    /** Deletes a directory tree; a missing tree, or a file that vanishes meanwhile, is not an error. */
    static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The spool root ({@code <dataDir>/http-uploads}). */
    Path root() {
        return root;
    }

    /** This server's own directory. */
    Path dir() {
        return dir;
    }

    /** A fresh (not yet created) request directory name inside this server's directory. */
    Path nextRequestDir() {
        return dir.resolve(Long.toString(requests.incrementAndGet()));
    }

    /** Bytes booked in total now. */
    synchronized long used() {
        return total;
    }

    /**
     * Books {@code bytes} for a new push of a client known by {@code keys}.
     *
     * @throws ServiceException 413 if the bytes can never fit, 429 if the client's share is taken,
     *                          507 if the spool as a whole is
     */
    Reservation reserve(List<String> keys, long bytes) {
        Reservation r = new Reservation(List.copyOf(keys));
        r.ensure(bytes);
        return r;
    }

    /** Books {@code more} bytes for a push that then holds {@code whole} bytes in all. */
    private synchronized void book(List<String> keys, long whole, long more) {
        long bound = Math.min(limits.spoolPerClientMax(), limits.spoolMax());
        if (whole > bound) {
            throw new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "the push body is larger than the push spool allows ("
                    + bound + " bytes)");
        }
        for (String k : keys) {
            if (perClient.getOrDefault(k, 0L) + more > limits.spoolPerClientMax()) {
                throw new ServiceException(ErrorCode.SPOOL_QUOTA_EXCEEDED, "this client's pushes in flight already hold "
                        + "its share of the push spool (" + limits.spoolPerClientMax() + " bytes); retry when one has finished");
            }
        }
        if (total + more > limits.spoolMax()) {
            throw new ServiceException(ErrorCode.SPOOL_FULL, "the push spool is full of pushes in flight ("
                    + limits.spoolMax() + " bytes); retry later");
        }
        total += more;
        for (String k : keys) {
            perClient.merge(k, more, Long::sum);
        }
    }

    private synchronized void unbook(List<String> keys, long bytes) {
        total -= bytes;
        for (String k : keys) {
            perClient.computeIfPresent(k, (key, v) -> v - bytes == 0 ? null : v - bytes);
        }
    }

    /** What one push has booked; grows with {@link #ensure}, returned once by {@link #release}. */
    final class Reservation {
        private final List<String> keys;
        private long booked;
        private boolean released;

        private Reservation(List<String> keys) {
            this.keys = keys;
        }

        /** Books more so that at least {@code bytes} are held in all (fails as {@link #reserve}, booking nothing). */
        synchronized void ensure(long bytes) {
            if (released) {
                throw new IllegalStateException("reservation already released");
            }
            if (bytes > booked) {
                book(keys, bytes, bytes - booked);
                booked = bytes;
            }
        }

        synchronized long booked() {
            return booked;
        }

        /** Returns every booked byte; idempotent. */
        synchronized void release() {
            if (!released) {
                released = true;
                unbook(keys, booked);
            }
        }
    }

    /** Removes this server's directory and everything left in it. */
    @Override
    public void close() {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("push_spool_remove_failed: cannot remove the push spool {}: {}", dir, e.toString());
        }
    }
}
