package net.dig.service;

import java.util.List;
import java.util.OptionalInt;
import net.dig.core.Bytes32;

/**
 * What the node knows about a datastore beyond its signed record, for {@link HoldingCandidate}: demand
 * (reads asked of it, holders known), and the handles registered for it here with the tier they give.
 * Implementations answer from memory (no network round trip) and never throw for an unknown id.
 */
public interface HoldingFacts {
    /** Knows nothing: no demand, no handles, no tier. */
    HoldingFacts NONE = new HoldingFacts() { };

    default HoldingCandidate.Demand demand(Bytes32 datastoreId) {
        return HoldingCandidate.Demand.UNKNOWN;
    }

    default List<String> handles(Bytes32 datastoreId) {
        return List.of();
    }

    default OptionalInt tier(Bytes32 datastoreId) {
        return OptionalInt.empty();
    }

    /** {@code c} with the handles registered here for its datastore and the tier they give (one look-up where it costs one). */
    default HoldingCandidate withHandles(HoldingCandidate c) {
        return c.withHandles(handles(c.datastoreId()), tier(c.datastoreId()));
    }
}
