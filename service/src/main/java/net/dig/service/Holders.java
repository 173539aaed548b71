package net.dig.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
 * <p>{@link #lookup} never blocks: it composes the source's {@link java.util.concurrent.CompletionStage},
 * bounded by the wait given at construction ({@link #LOOKUP_WAIT} by default), so an HTTP miss holds no
 * worker while the DHT looks. A lookup that fails or outlasts the wait gives no holder (the reader is
 * answered with what is known: none).
 *
 * <p>Thread-safe if its source and directory are; nothing is cached, so a new announcement shows at once.
 */
public final class Holders {
    /** One holder: its DIG node id, its TLS PeerId (hex) and the base URL of its HTTP API ({@code http://host:port}). */
    public record Holder(String nodeId, String peerId, String url) {
        public Holder {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(peerId, "peerId");
            Objects.requireNonNull(url, "url");
        }
    }

    /** How long a lookup waits for the source by default. */
    public static final Duration LOOKUP_WAIT = Duration.ofSeconds(10);

    /** Knows no holder. */
    public static final Holders NONE = new Holders(ProviderSource.none(), peer -> Optional.empty(), 1);

    private final ProviderSource source;
    private final Function<PeerId, Optional<NodeDirectory.NodeInfo>> directory;
    private final int max;
    private final Duration wait;

    public Holders(ProviderSource source, Function<PeerId, Optional<NodeDirectory.NodeInfo>> directory, int max) {
        this(source, directory, max, LOOKUP_WAIT);
    }

    public Holders(ProviderSource source, Function<PeerId, Optional<NodeDirectory.NodeInfo>> directory, int max, Duration wait) {
        this.source = Objects.requireNonNull(source, "source");
        this.directory = Objects.requireNonNull(directory, "directory");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("wait must be positive");
        }
        this.wait = wait;
    }

    /**
     * At most {@code max} holders of {@code datastoreId} with a usable HTTP endpoint, once the source
     * answered or the wait ran out (then none); never completes exceptionally, never blocks the caller.
     */
    public CompletionStage<List<Holder>> lookup(Bytes32 datastoreId) {
        CompletableFuture<List<ProviderSource.Provider>> found;
        try {
            found = source.providers(datastoreId).toCompletableFuture().copy();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(List.of());
        }
        return found.completeOnTimeout(List.of(), wait.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> List.of())
                .thenApply(this::usable)
                .exceptionally(e -> List.of());
    }

    /** {@link #lookup}, waited for: blocks for at most the wait (call it off an event loop). */
    public List<Holder> of(Bytes32 datastoreId) {
        return lookup(datastoreId).toCompletableFuture().join();
    }

    private List<Holder> usable(List<ProviderSource.Provider> found) {
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
