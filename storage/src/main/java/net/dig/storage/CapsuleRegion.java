package net.dig.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import net.dig.core.Bytes32;

/**
 * Where the stored bytes of one capsule copy are, as an open channel rather than a path: {@code length}
 * bytes at {@code offset} of a plot's shared read-only {@code channel}, exactly as they go on the wire
 * (for zero-copy {@code transferTo}/{@code sendfile}). With {@code compression == ZSTD} those bytes are
 * one zstd frame; {@code size} and {@code hash} are always of the uncompressed capsule.
 *
 * <p>The channel belongs to the storage engine and is shared by every reader: use positional calls
 * only ({@link #transferTo}, {@link FileChannel#read(java.nio.ByteBuffer, long)}), never close it and
 * never hand it to something that will (Netty's {@code DefaultFileRegion} closes its channel on
 * release). A region handed out just before its plot is evicted or quarantined may fail its transfer
 * with {@link java.nio.channels.ClosedChannelException}: ask the engine again.
 */
public record CapsuleRegion(Bytes32 plotId, FileChannel channel, long offset, long length, Compression compression,
                            long size, Bytes32 hash) {
    public CapsuleRegion {
        Objects.requireNonNull(plotId, "plot id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(hash, "hash");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("region offset " + offset + " and length " + length + " must not be negative");
        }
    }

    /**
     * Sends {@code count} stored bytes starting {@code from} bytes into the region to {@code target}
     * (the kernel copies file to socket where it can); returns the bytes sent.
     */
    public long transferTo(long from, long count, WritableByteChannel target) throws IOException {
        if (from < 0 || count < 0 || from + count > length) {
            throw new IllegalArgumentException("bytes [" + from + ", " + (from + count) + ") are outside the region of "
                    + length + " bytes");
        }
        long sent = 0;
        while (sent < count) {
            long n = channel.transferTo(offset + from + sent, count - sent, target);
            if (n <= 0) {
                break; // a non-blocking target is full; the caller resumes later
            }
            sent += n;
        }
        return sent;
    }
}
