package net.dig.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process per data directory: an exclusive lock on {@code <home>/node.lock}, taken by
 * {@code start} for the life of the node and by every command that opens the home's storage for the
 * life of the command (docs/decisions.md D30c).
 *
 * <p>File: {@code pid=<pid>\nstarted=<ISO-8601 instant>\n}, rewritten by each holder once it holds
 * the lock; it only feeds the message of the process that is refused. The file stays when the holder
 * ends; what counts is the lock, which the kernel drops when the holder's process ends, however it
 * ends (a SIGKILL included), so a stale file never blocks the next start.
 *
 * <p>Failure modes: held by another process, or by this one (a command run in-process while a node
 * runs in the same JVM), is a {@link CliException} with {@link ExitCodes#HOME_LOCKED} naming the
 * holder; an I/O failure on the lock file is a failed command ({@link ExitCodes#FAILED}).
 *
 * <p>POSIX record locks belong to the process, and closing any channel on the file drops every lock
 * the JVM holds on it, so a home locked by this JVM is refused from a set of held homes, before a second
 * channel is ever opened.
 *
 * <p>Concurrency: an instance belongs to the thread that acquired it; {@link #close} is idempotent.
 */
final class HomeLock implements AutoCloseable {
    static final String FILE = "node.lock";

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path home;
    private final FileChannel channel;
    private final FileLock lock;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private HomeLock(Path home, FileChannel channel, FileLock lock) {
        this.home = home;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code home} (which must exist), or refuses naming its holder. */
    static HomeLock acquire(NodeHome home, Instant now) {
        Path file = home.dir().resolve(FILE);
        if (!HELD.add(home.dir())) {
            throw refused(home, file, "dig-node pid " + ProcessHandle.current().pid() + " (this process)");
        }
        try {
            return lock(home, file, now);
        } catch (RuntimeException e) {
            HELD.remove(home.dir());
            throw e;
        }
    }

    private static HomeLock lock(NodeHome home, Path file, Instant now) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw CliException.failed("cannot open the lock file " + file + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException held) {
                lock = null;
            }
            if (lock == null) {
                throw refused(home, file, holder(ch).orElse("another process"));
            }
            String record = "pid=" + ProcessHandle.current().pid() + "\nstarted="
                    + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new HomeLock(home.dir(), ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw CliException.failed("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static CliException refused(NodeHome home, Path file, String holder) {
        return new CliException(ExitCodes.HOME_LOCKED, "data directory " + home.dir() + " is in use by " + holder
                + " (it holds " + file + "); stop that node or command first, or give this one its own --data-dir");
    }

    /** "dig-node pid N (started T)" from the holder's record, if it wrote one. */
    private static Optional<String> holder(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256);
        ch.read(buf, 0);
        String pid = null;
        String started = null;
        for (String line : new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("pid=")) {
                pid = line.substring(4).strip();
            } else if (line.startsWith("started=")) {
                started = line.substring(8).strip();
            }
        }
        if (pid == null || pid.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("dig-node pid " + pid + (started == null ? "" : " (started " + started + ")"));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            NodeLog.warn("node", "lock_release_failed", java.util.Map.of("error", e.toString()));
        } finally {
            closeQuietly(channel);
            HELD.remove(home);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing drops the lock; nothing else to undo
        }
    }
}
