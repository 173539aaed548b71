package net.dig.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import net.dig.service.FetchSession.Outcome;
import net.dig.service.FetchSession.State;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.Compression;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;

/**
 * The last step of a {@link FetchSession}: its staging area, every capsule verified and read back, goes into the
 * store, as the whole version ({@link DatastoreService#store}) or as repaired copies of some capsules of the
 * version held ({@link DatastoreService#repairCapsule}), and the staging area is deleted once nothing in it is
 * needed any more.
 *
 * <h2>Failure modes</h2>
 * A store that refuses the version as not newer ends {@link State#ALREADY_HELD} or {@link State#SUPERSEDED}
 * (staging deleted). The node's own trouble ({@link ErrorCode#UNAVAILABLE}, {@link ErrorCode#INSUFFICIENT_STORAGE},
 * {@link ErrorCode#INDEX_BUSY}) ends {@link State#FAILED} with the staged bytes kept for a later resume; any other
 * refusal ends {@link State#FAILED} and deletes them. A repair stops at its first capsule the store refuses, the
 * ones stored before it staying stored. Not thread-safe: called under the session's lock.
 */
final class StagedLanding {
    private final DatastoreVersion expected;
    private final DatastoreService datastores;
    private final FetchStaging staging;
    private final Compression compression;
    private final Consumer<String> steps;

    StagedLanding(DatastoreVersion expected, DatastoreService datastores, FetchStaging staging, Compression compression,
                  Consumer<String> steps) {
        this.expected = expected;
        this.datastores = datastores;
        this.staging = staging;
        this.compression = compression;
        this.steps = steps;
    }

    /** Stores the whole version from {@code parts} (capsule index to staged file). */
    Outcome version(String name, List<FileEntry> files, List<CapsuleInfo> capsules, Map<Integer, Path> parts) {
        Outcome result;
        try {
            datastores.store(new ManifestCodec.Decoded(expected, name, capsules, files), CapsuleParts.files(parts), compression);
            result = new Outcome(State.LANDED, null, "stored version " + expected.version());
            steps.accept("landed");
        } catch (ServiceException e) {
            if (e.code() == ErrorCode.STALE_VERSION) {
                result = held();
            } else {
                result = new Outcome(State.FAILED, e.code(), e.getMessage());
                if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.INSUFFICIENT_STORAGE
                        || e.code() == ErrorCode.INDEX_BUSY) {
                    return result;
                }
            }
        }
        deleteStaging();
        return result;
    }

    /** Stores each of {@code capsules} as a new copy in the version held, if the store still holds exactly it. */
    Outcome repair(List<CapsuleInfo> capsules, Map<Integer, Path> parts, List<Integer> named) {
        Optional<Manifest> held = datastores.manifest(expected.datastoreId());
        if (held.isEmpty() || !Arrays.equals(held.get().version().encode(), expected.encode())) {
            deleteStaging();
            return new Outcome(State.SUPERSEDED, null, "the store no longer holds version " + expected.version());
        }
        for (CapsuleInfo c : capsules) {
            try {
                datastores.repairCapsule(expected.datastoreId(), c.index(), Files.readAllBytes(parts.get(c.index())), compression);
            } catch (IOException e) {
                return new Outcome(State.FAILED, ErrorCode.UNAVAILABLE, "cannot read back the staging area " + staging.dir() + ": "
                        + e.getMessage());
            } catch (ServiceException e) {
                return new Outcome(State.FAILED, e.code(), e.getMessage());
            }
        }
        steps.accept("repaired");
        deleteStaging();
        return new Outcome(State.LANDED, null, "repaired capsules " + named);
    }

    void deleteStaging() {
        try {
            staging.delete();
        } catch (IOException e) {
            System.getLogger(FetchSession.class.getName()).log(System.Logger.Level.WARNING,
                    "staging_delete_failed: cannot delete the staging area " + staging.dir() + ": " + e.getMessage());
        }
    }

    /** What the store holds instead, after it refused this version as not newer. */
    private Outcome held() {
        Optional<Manifest> m = datastores.manifest(expected.datastoreId());
        if (m.isPresent() && Arrays.equals(m.get().version().encode(), expected.encode())) {
            return new Outcome(State.ALREADY_HELD, null, "version " + expected.version() + " is already stored");
        }
        return new Outcome(State.SUPERSEDED, null, "the store holds version "
                + m.map(x -> x.version().version()).orElse(0L) + ", not older than " + expected.version());
    }
}
