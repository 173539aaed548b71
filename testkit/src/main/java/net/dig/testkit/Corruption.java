package net.dig.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Damages files in place, as a failing disk or a hostile operator would, for integrity tests. */
public final class Corruption {
    private Corruption() {}

    /** Inverts a pattern of bits in the 4 bytes at {@code at} (fewer at the end of the file). */
    public static void flip(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            int n = Math.max(0, ch.read(b, at));
            byte[] bad = new byte[n];
            for (int i = 0; i < n; i++) {
                bad[i] = (byte) (b.get(i) ^ 0x5A);
            }
            ch.write(ByteBuffer.wrap(bad), at);
        }
    }

    /**
     * Damages the stored copy of some content: finds {@code start} (a capsule's first bytes) at a 4 KiB
     * boundary of a {@code .plot} file below {@code dir}, where plot capsule data lies, and {@link #flip}s the
     * bytes 10 further on.
     *
     * @throws AssertionError if no plot holds {@code start}
     */
    public static Path flipStored(Path dir, byte[] start) throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".plot")).sorted().toList()) {
                byte[] plot = java.nio.file.Files.readAllBytes(p);
                for (int i = 0; i + start.length <= plot.length; i += 4096) {
                    if (java.util.Arrays.equals(plot, i, i + start.length, start, 0, start.length)) {
                        flip(p, i + 10);
                        return p;
                    }
                }
            }
        }
        throw new AssertionError("no plot below " + dir + " holds the content");
    }
}
