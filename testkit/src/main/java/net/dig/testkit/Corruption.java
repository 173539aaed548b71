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
}
