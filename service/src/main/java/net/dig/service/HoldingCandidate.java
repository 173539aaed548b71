package net.dig.service;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import net.dig.core.Bytes32;
import net.dig.storage.DatastoreVersion;

/**
 * What a {@link HoldingPolicy} knows about a datastore version before fetching it: the signed record's
 * id, name hash, size and creation time; the name itself only when it is known to be the signed one
 * (offered with the version or held here, and its SHA-256 is the record's name hash); the handles registered for it here and the tier they give;
 * whether this node already holds an older version; and the demand signals a {@link ContentScorer}
 * reads ({@link Demand}).
 */
public record HoldingCandidate(Bytes32 datastoreId, Bytes32 nameSha256, Optional<String> name, List<String> handles,
                               OptionalInt tier, long totalSize, long creationTimeSeconds, boolean held, Demand demand) {
    public HoldingCandidate {
        Objects.requireNonNull(datastoreId, "datastoreId");
        Objects.requireNonNull(nameSha256, "nameSha256");
        Objects.requireNonNull(name, "name");
        handles = List.copyOf(handles);
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(demand, "demand");
        if (totalSize < 0) {
            throw new IllegalArgumentException("totalSize must not be negative");
        }
    }

    /**
     * What the network says about a datastore: reads of it asked of this node per hour (served or not)
     * and the holders this node knows of (holdings announcements, provider records; 0 = none known).
     */
    public record Demand(double requestsPerHour, int holdersKnown) {
        public static final Demand UNKNOWN = new Demand(0, 0);

        public Demand {
            if (!(requestsPerHour >= 0) || holdersKnown < 0) {
                throw new IllegalArgumentException("demand must not be negative");
            }
        }
    }

    /** A candidate from a signed version record, with the name when known. */
    public static HoldingCandidate of(DatastoreVersion v, Optional<String> name, boolean held, Demand demand) {
        return new HoldingCandidate(v.datastoreId(), v.nameSha256(), name, List.of(), OptionalInt.empty(), v.totalSize(),
                v.creationTime(), held, demand);
    }

    /** The same candidate with the handles registered for it here and the tier they give. */
    public HoldingCandidate withHandles(List<String> registered, OptionalInt registeredTier) {
        return new HoldingCandidate(datastoreId, nameSha256, name, registered, registeredTier, totalSize, creationTimeSeconds,
                held, demand);
    }

    /** Whether the datastore's name is exactly {@code candidateName} (by the name, or by its signed hash). */
    boolean namedExactly(String candidateName) {
        return name.map(candidateName::equals)
                .orElseGet(() -> DatastoreVersion.nameSha256(candidateName).equals(nameSha256));
    }
}
