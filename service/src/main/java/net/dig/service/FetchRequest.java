package net.dig.service;

import java.util.Objects;
import net.dig.core.Bytes32;

/**
 * What a fetching node asks a provider, as plain values; a transport maps each onto its own message
 * with no logic of its own. {@code requestId} is chosen by the asker and echoed in the
 * {@link FetchResponse}, so answers are matched to questions and late ones recognised.
 */
public sealed interface FetchRequest {
    long requestId();

    Bytes32 datastoreId();

    long version();

    /**
     * Bytes {@code [offset, offset + length)} of capsule {@code capsuleIndex} of a datastore version.
     * {@code offset} is 4 KiB aligned; the answer, prologue included, is at most {@code maxSize} bytes.
     * {@code prologue} asks for the capsule's chunk hashes and leaf proof (the first window of a capsule).
     */
    record Window(long requestId, Bytes32 datastoreId, long version, int capsuleIndex, long offset, int length, int maxSize,
                  boolean prologue) implements FetchRequest {
        public Window {
            Objects.requireNonNull(datastoreId, "datastoreId");
        }
    }

    /** The name and file table of a datastore version (checked by the asker against the signed hashes). */
    record Metadata(long requestId, Bytes32 datastoreId, long version) implements FetchRequest {
        public Metadata {
            Objects.requireNonNull(datastoreId, "datastoreId");
        }
    }
}
