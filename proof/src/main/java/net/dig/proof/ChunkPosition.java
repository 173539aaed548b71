package net.dig.proof;

/** One chunk of a datastore: capsule index within the datastore, chunk index within the capsule. */
public record ChunkPosition(int capsuleIndex, int chunkIndex) {
}
