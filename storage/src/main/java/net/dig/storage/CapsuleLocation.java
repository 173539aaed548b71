package net.dig.storage;

import java.nio.file.Path;
import net.dig.core.Bytes32;

/**
 * Where a capsule's bytes are: {@code storedLength} bytes at {@code offset} of {@code plotPath}, exactly
 * as they should go on the wire (for zero-copy {@code sendFile}). With {@code codec == ZSTD} those bytes
 * are one zstd frame of the capsule; {@code size} and {@code hash} are always of the uncompressed bytes.
 */
public record CapsuleLocation(Bytes32 plotId, Path plotPath, long offset, long storedLength, Compression codec,
                              long size, Bytes32 hash) {}
