package net.dig.storage;

import java.io.IOException;

/** Supplies the bytes of capsule {@code index} of a datastore being stored (HTTP push, a peer). */
@FunctionalInterface
public interface CapsuleSource {
    byte[] capsule(int index) throws IOException;
}
