package net.dig.storage;

import net.dig.core.Bytes32;

/** One line of {@code datastore list}: the current version of a stored datastore. */
public record DatastoreSummary(Bytes32 datastoreId, String name, long version, int capsuleCount, long totalSize,
                               Bytes32 merkleRoot, long creationTime) {}
