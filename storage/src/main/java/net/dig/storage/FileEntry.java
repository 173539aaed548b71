package net.dig.storage;

import java.util.Objects;
import net.dig.core.Bytes32;

/**
 * One file of a datastore made from a directory: its relative path ({@code /}-separated), where its
 * bytes start in the datastore's byte stream, its length and its SHA-256. A single-file datastore has
 * one entry with the file's name.
 */
public record FileEntry(String path, long offset, long length, Bytes32 sha256) {
    public FileEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")
                || ("/" + path + "/").contains("/../") || ("/" + path + "/").contains("/./") || path.contains("//")) {
            throw new IllegalArgumentException("file path '" + path + "' must be relative, '/'-separated, without '.' or '..'");
        }
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("file " + path + " has a negative offset or length");
        }
    }
}
