package net.dig.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * The byte stream of a file or directory being ingested, cut into capsules.
 *
 * <p>A directory's stream is its regular files (symbolic links are not followed, other special files are
 * skipped) in the order of their relative {@code /}-separated paths compared as strings, concatenated
 * without padding. The file table records each file's offset and length in that stream and its
 * SHA-256, computed here as the bytes go by. A file that changes size while it is read fails the ingest.
 *
 * <p>Not thread-safe: one reader thread calls {@link #nextCapsule} in order.
 */
final class SourceFiles implements AutoCloseable {
    /** Reading the source (not writing the plot) failed; the message names the file. */
    static final class SourceReadException extends IOException {
        SourceReadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    record Item(Path file, String relative, long offset, long length) {}

    private final List<Item> items;
    private final long totalSize;
    private final List<Bytes32> fileHashes = new ArrayList<>();
    private int current = -1;
    private FileChannel channel;
    private long readInFile;
    private MessageDigest digest;

    private SourceFiles(List<Item> items, long totalSize) {
        this.items = items;
        this.totalSize = totalSize;
    }

    static SourceFiles scan(Path source) {
        if (source == null) {
            throw new StorageException("no source path given");
        }
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS) && !Files.exists(source)) {
            throw new StorageException("cannot ingest " + source + ": no such file or directory");
        }
        try {
            List<Item> items = new ArrayList<>();
            long offset = 0;
            if (Files.isDirectory(source)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(source)) {
                    files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
                }
                List<String[]> named = new ArrayList<>();
                for (Path p : files) {
                    String rel = source.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                    named.add(new String[] {rel, p.toString()});
                }
                named.sort(Comparator.comparing(a -> a[0]));
                for (String[] n : named) {
                    Path p = Path.of(n[1]);
                    checkReadable(p);
                    long len = Files.size(p);
                    items.add(new Item(p, n[0], offset, len));
                    offset += len;
                }
            } else if (Files.isRegularFile(source)) {
                checkReadable(source);
                long len = Files.size(source);
                items.add(new Item(source, source.getFileName().toString(), 0, len));
                offset = len;
            } else {
                throw new StorageException("cannot ingest " + source + ": not a regular file or directory");
            }
            return new SourceFiles(List.copyOf(items), offset);
        } catch (AccessDeniedException e) {
            throw new StorageException("cannot ingest " + source + ": permission denied reading " + e.getFile(), e);
        } catch (NoSuchFileException e) {
            throw new StorageException("cannot ingest " + source + ": " + e.getFile() + " disappeared while scanning", e);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new StorageException("cannot ingest " + source + ": " + e.getMessage(), e);
        }
    }

    private static void checkReadable(Path p) {
        if (!Files.isReadable(p)) {
            throw new StorageException("cannot ingest: permission denied reading " + p);
        }
    }

    long totalSize() {
        return totalSize;
    }

    List<Item> items() {
        return items;
    }

    /** Reads the next {@code length} bytes of the stream. */
    byte[] nextCapsule(int length) throws IOException {
        try {
            return readCapsule(length);
        } catch (SourceReadException e) {
            throw e;
        } catch (IOException e) {
            String file = current >= 0 && current < items.size() ? items.get(current).file().toString() : "source";
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new SourceReadException("cannot read " + file + ": " + why, e);
        }
    }

    private byte[] readCapsule(int length) throws IOException {
        byte[] out = new byte[length];
        int filled = 0;
        while (filled < length) {
            if (channel == null || readInFile == items.get(current).length()) {
                advanceFile();
            }
            Item it = items.get(current);
            int want = (int) Math.min(length - filled, it.length() - readInFile);
            ByteBuffer b = ByteBuffer.wrap(out, filled, want);
            while (b.hasRemaining()) {
                int n = channel.read(b);
                if (n < 0) {
                    throw new SourceReadException("file " + it.file() + " shrank while it was being read", null);
                }
            }
            digest.update(out, filled, want);
            filled += want;
            readInFile += want;
        }
        return out;
    }

    private void advanceFile() throws IOException {
        if (channel != null) {
            finishFile();
        }
        do {
            current++;
            if (current >= items.size()) {
                throw new IOException("source ended early");
            }
            if (items.get(current).length() == 0) {
                fileHashes.add(Sha256.hash(new byte[0]));
            }
        } while (items.get(current).length() == 0);
        channel = FileChannel.open(items.get(current).file(), StandardOpenOption.READ);
        digest = Sha256.newDigest();
        readInFile = 0;
    }

    private void finishFile() throws IOException {
        Item it = items.get(current);
        if (channel.size() != it.length()) {
            throw new SourceReadException("file " + it.file() + " changed size while it was being read", null);
        }
        channel.close();
        channel = null;
        fileHashes.add(Bytes32.wrap(digest.digest()));
    }

    /** The file table, once every byte has been read. */
    List<FileEntry> fileTable() throws IOException {
        if (channel != null && readInFile == items.get(current).length()) {
            finishFile();
        }
        while (fileHashes.size() < items.size() && items.get(fileHashes.size()).length() == 0) {
            fileHashes.add(Sha256.hash(new byte[0]));
        }
        if (fileHashes.size() != items.size()) {
            throw new IllegalStateException("file table requested before the whole source was read");
        }
        List<FileEntry> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            out.add(new FileEntry(it.relative(), it.offset(), it.length(), fileHashes.get(i)));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
