package net.dig.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import net.dig.storage.CapsuleSource;

/**
 * The capsules that arrive with a pushed or replicated version, by index: spooled upload files today,
 * bytes fetched from peers tomorrow. Read one at a time, so a version is never held in memory whole.
 */
public interface CapsuleParts extends CapsuleSource {
    /** How many parts arrived. */
    int count();

    /** The size of part {@code index}; empty when it did not arrive. */
    OptionalLong size(int index) throws IOException;

    /** Parts spooled to files (the HTTP push). */
    static CapsuleParts files(Map<Integer, Path> parts) {
        Map<Integer, Path> copy = Map.copyOf(parts);
        return new CapsuleParts() {
            @Override
            public int count() {
                return copy.size();
            }

            @Override
            public OptionalLong size(int index) throws IOException {
                Path p = copy.get(index);
                return p == null ? OptionalLong.empty() : OptionalLong.of(Files.size(p));
            }

            @Override
            public byte[] capsule(int index) throws IOException {
                Path p = copy.get(index);
                if (p == null) {
                    throw new IOException("no capsule part for index " + index);
                }
                return Files.readAllBytes(p);
            }
        };
    }
}
