package net.dig.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import net.dig.core.Bytes32;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.PeerId;
import net.dig.wire.NodePayload;

/**
 * Where a reader can get a datastore this node does not hold: the providers a {@link ProviderSource}
 * names, each turned into the HTTP endpoint the peer announced about itself (its
 * {@link NodeDirectory.NodeInfo}), at most {@code max} of them, in the source's order. A provider whose
 * announcement is unknown (never announced, or forgotten) has no endpoint a reader could use and is left
 * out; so is a second entry for the same peer. An announced endpoint of host {@code 0.0.0.0} or
 * {@code ::} (a node listening on every interface) cannot be dialled as such and is left out too.
 *
 * <p>Thread-safe if its source and directory are; nothing is cached, so a new announcement shows at once.
 */
public final class Holders {
    /** Knows no holder. */
    public static final Holders NONE = new Holders(ProviderSource.none(), peer -> Optional.empty(), 1);

    /** One holder: its DIG node id, its TLS PeerId (hex) and the base URL of its HTTP API ({@code http://host:port}). */
    public record Holder(String nodeId, String peerId, String url) {
        public Holder {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(peerId, "peerId");
            Objects.requireNonNull(url, "url");
        }
    }

    /** How long {@link #of} waits for the source's lookup. */
    public static final Duration LOOKUP_WAIT = Duration.ofSeconds(10);

    private final ProviderSource source;
    private final Function<PeerId, Optional<NodeDirectory.NodeInfo>> directory;
    private final int max;

    public Holders(ProviderSource source, Function<PeerId, Optional<NodeDirectory.NodeInfo>> directory, int max) {
        this.source = Objects.requireNonNull(source, "source");
        this.directory = Objects.requireNonNull(directory, "directory");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
    }

    /**
     * At most {@code max} holders of {@code datastoreId} with a usable HTTP endpoint. Blocks for at most
     * {@link #LOOKUP_WAIT} while the source looks providers up (call it off an event loop); a lookup
     * that takes longer, or fails, gives no holder.
     */
    public List<Holder> of(Bytes32 datastoreId) {
        List<ProviderSource.Provider> found;
        try {
            found = source.providers(datastoreId).toCompletableFuture().get(LOOKUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException | TimeoutException e) {
            return List.of();
        }
        List<Holder> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (ProviderSource.Provider provider : found) {
            if (out.size() == max) {
                break;
            }
            PeerId peer = provider.peer();
            Optional<NodeDirectory.NodeInfo> info = directory.apply(peer);
            if (info.isEmpty() || seen.contains(peer.toHex())) {
                continue;
            }
            NodePayload.HttpEndpoint http = info.get().announcement().http();
            if (http.port() == 0 || http.host().equals("0.0.0.0") || http.host().equals("::") || http.host().isBlank()) {
                continue;
            }
            seen.add(peer.toHex());
            String host = http.host().indexOf(':') >= 0 ? "[" + http.host() + "]" : http.host();
            out.add(new Holder(info.get().nodeId(), peer.toHex(), http.scheme() + "://" + host + ":" + http.port()));
        }
        return out;
    }
}
