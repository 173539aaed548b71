package net.dig.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.Manifest;

/**
 * Re-evaluates what this node holds against its {@link HoldingPolicy} (a mode switched by a config
 * reload or a restart; a replicated version whose name, known once it landed, a list refuses) and evicts
 * what the policy no longer keeps, through the storage layer's crash-safe eviction.
 *
 * <h2>What is never evicted</h2>
 * Only datastores this node took from peers are subject to the policy: a datastore whose held version
 * was landed by a replication fetch ({@link #taken}, marked when the fetch lands). Kept whatever the mode:
 * datastores signed by this node's own key ({@code dig-node datastore add}), and every datastore whose
 * held version arrived otherwise (an HTTP push, an ingest, a version held before marks existed). A lost
 * mark errs on the side of keeping. Cache mode's own rules (min_providers) belong to its policy.
 *
 * <h2>Failure modes</h2>
 * An eviction that fails (storage error) is logged and left for the next review; the datastore stays
 * whole (the eviction's own roll-back). Thread-safe: reviews are serialized.
 */
public final class HoldingReview {
    /** A datastore evicted by a review, and the reason its policy refused it. */
    public record Evicted(Bytes32 datastoreId, HoldingPolicy.Reason reason) {}

    private static final System.Logger LOG = System.getLogger(HoldingReview.class.getName());

    private final DatastoreService datastores;
    private final byte[] ownKey;
    private final OfferedVersions taken;
    private final HoldingFacts facts;

    /**
     * @param ownKey this node's public key: datastores it signed are kept
     * @param taken the latest version of each datastore a replication fetch landed here
     */
    HoldingReview(DatastoreService datastores, byte[] ownKey, OfferedVersions taken, HoldingFacts facts) {
        this.datastores = Objects.requireNonNull(datastores, "datastores");
        this.ownKey = ownKey.clone();
        this.taken = Objects.requireNonNull(taken, "taken");
        this.facts = Objects.requireNonNull(facts, "facts");
    }

    /** The marks of the versions taken from peers. */
    OfferedVersions taken() {
        return taken;
    }

    /** Evicts every datastore taken from peers that {@code policy} no longer keeps; what it evicted. */
    public synchronized List<Evicted> review(HoldingPolicy policy) {
        List<Evicted> out = new ArrayList<>();
        for (DatastoreSummary d : datastores.datastores()) {
            datastores.manifest(d.datastoreId()).flatMap(m -> refusal(policy, m)).ifPresent(reason -> {
                if (evict(d.datastoreId(), reason)) {
                    out.add(new Evicted(d.datastoreId(), reason));
                }
            });
        }
        return out;
    }

    /** Evicts the datastore of {@code landed} if it was taken from peers and {@code policy} refuses it, name known. */
    synchronized Optional<Evicted> reviewLanded(HoldingPolicy policy, Manifest landed) {
        return refusal(policy, landed).filter(r -> evict(landed.datastoreId(), r)).map(r -> new Evicted(landed.datastoreId(), r));
    }

    private Optional<HoldingPolicy.Reason> refusal(HoldingPolicy policy, Manifest m) {
        var v = m.version();
        if (Arrays.equals(v.ownerPublicKey(), ownKey) || !taken.offered(v.datastoreId(), v.version())) {
            return Optional.empty();
        }
        HoldingCandidate c = facts.withHandles(HoldingCandidate.of(v, Optional.of(m.name()), true, facts.demand(v.datastoreId())));
        HoldingPolicy.Verdict verdict = policy.decide(c);
        return verdict.keep() ? Optional.empty() : Optional.of(verdict.reason());
    }

    private boolean evict(Bytes32 id, HoldingPolicy.Reason reason) {
        try {
            boolean evicted = datastores.evict(id);
            LOG.log(System.Logger.Level.INFO, "evicted " + id + " (" + reason + ")");
            return evicted;
        } catch (ServiceException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot evict " + id + " (" + reason + "): " + e.getMessage());
            return false;
        }
    }
}
