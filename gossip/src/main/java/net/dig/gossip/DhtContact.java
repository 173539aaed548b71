package net.dig.gossip;

import java.util.List;

/** A DHT node as other nodes learn it: its id (the {@link PeerId}) and up to {@link #MAX_ADDRESSES} addresses. */
public record DhtContact(PeerId id, List<DhtAddress> addresses) {
    public static final int MAX_ADDRESSES = 8;

    public DhtContact {
        if (id == null) {
            throw new NullPointerException("contact id is required");
        }
        addresses = List.copyOf(addresses);
        if (addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("a contact carries at most " + MAX_ADDRESSES + " addresses, got " + addresses.size());
        }
    }

    /** A contact whose addresses the transport knows and the DHT does not. */
    public static DhtContact of(PeerId id) {
        return new DhtContact(id, List.of());
    }
}
