package net.dig.gossip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.wire.NodePayload;

/**
 * What each peer announced about itself ({@link NodePayload.NodeAnnouncement}): its Ed25519 node key and
 * node id, bound to its TLS PeerId, its HTTP API endpoint, capabilities, capacity and mode. Filled by
 * {@link NodeMessageValidator} with announcements it accepted; a later announcement of the same peer
 * replaces the earlier one (a node may change its key only by announcing again over its TLS identity).
 *
 * <p>A node key announced over a new PeerId (the node rotated its TLS identity, or restarted with a new
 * one) moves: the old PeerId's entry is dropped and the {@link #onRebind} listener hears (old, new), so what
 * is attached to the node (its reputation) follows it rather than the certificate.
 *
 * <p>Bounded ({@link NodeMessageConfig#maxDirectoryPeers()}, the least recently announced peer forgotten
 * first); kept across disconnects, since the binding stays valid. Thread-safe; the listener is called
 * outside the lock.
 */
public final class NodeDirectory {
    /** One peer's accepted announcement, received at {@code announcedAt} (Unix seconds of its signature). */
    public record NodeInfo(PeerId peer, Bytes32 nodeKey, String nodeId, NodePayload.NodeAnnouncement announcement,
            long announcedAt) {}

    private final int capacity;
    private final LinkedHashMap<PeerId, NodeInfo> byPeer = new LinkedHashMap<>();

    public NodeDirectory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    public synchronized Optional<NodeInfo> get(PeerId peer) {
        return Optional.ofNullable(byPeer.get(peer));
    }

    public synchronized List<NodeInfo> all() {
        return new ArrayList<>(byPeer.values());
    }

    public synchronized int size() {
        return byPeer.size();
    }

    /** Called with (previous PeerId, new PeerId) when a node key is announced over another PeerId. */
    public void onRebind(java.util.function.BiConsumer<PeerId, PeerId> listener) {
        rebind = java.util.Objects.requireNonNull(listener, "listener");
    }

    void record(NodeInfo info) {
        Optional<PeerId> previous;
        synchronized (this) {
            previous = byPeer.values().stream()
                    .filter(i -> i.nodeKey().equals(info.nodeKey()) && !i.peer().equals(info.peer()))
                    .map(NodeInfo::peer).findFirst();
            previous.ifPresent(byPeer::remove);
            byPeer.remove(info.peer());
            byPeer.put(info.peer(), info);
            if (byPeer.size() > capacity) {
                var eldest = byPeer.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        previous.ifPresent(old -> rebind.accept(old, info.peer()));
    }

    private volatile java.util.function.BiConsumer<PeerId, PeerId> rebind = (old, now) -> { };
}
