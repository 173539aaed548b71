package net.dig.gossip;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.dig.wire.Capability;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import net.dig.wire.Streamable;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * Decides whether the first message of a connection is an acceptable handshake (docs/formats/wire.md;
 * dig-gossip {@code validate_remote_handshake}).
 *
 * <p>Checks, in order: the message is type 1 and decodes as {@link Handshake} with no trailing bytes;
 * network_id is non-empty and equal to ours; protocol_version is a numeric triple {@code a.b.c} at or
 * above the floor (default 0.0.30, as dig-gossip); software_version is at most 128 UTF-8 bytes (checked
 * before stripping) and has Unicode Cc/Cf characters stripped; node_type is a known {@link NodeType}
 * and allowed for this connection (a dialer expects the types it asked for, e.g. FULL_NODE; a listener
 * accepts any known type unless configured); the remote PeerId is not ours (self connection), not
 * already connected (duplicate) and not banned. Capabilities are parsed: only value "1" enables, unknown
 * ids are ignored; rate limits V2 apply when both sides advertise capability 3.
 *
 * <p>Stateless apart from its settings; thread-safe.
 */
public final class HandshakeRules {
    public static final int MAX_VERSION_STRING_BYTES = 128;

    /** Settings; {@code localCapabilities} are the ones we advertise. */
    public record Settings(String networkId, String protocolVersionFloor, Set<NodeType> acceptedInbound,
            List<Capability> localCapabilities) {
        public static Settings of(String networkId) {
            return new Settings(networkId, "0.0.30", EnumSet.allOf(NodeType.class),
                    List.of(Capability.enabled(Capability.BASE), Capability.enabled(Capability.BLOCK_HEADERS),
                            Capability.enabled(Capability.RATE_LIMITS_V2)));
        }

        public Settings {
            if (networkId == null || networkId.isEmpty()) {
                throw new IllegalArgumentException("networkId must not be empty");
            }
            parseVersion(protocolVersionFloor).orElseThrow(() ->
                    new IllegalArgumentException("protocolVersionFloor is not a.b.c: " + protocolVersionFloor));
            acceptedInbound = Set.copyOf(acceptedInbound);
            localCapabilities = List.copyOf(localCapabilities);
        }
    }

    /**
     * Of two connections between the same two nodes, whether the new one replaces the one already
     * admitted. When two nodes dial each other at once, each side admits whichever handshake finishes
     * first, and refusing the later one on both sides can close both. Both sides instead keep the
     * connection the node with the smaller PeerId dialled: a new connection supersedes the admitted one
     * only when it runs the other way and is that one. Two connections the same way (a second dial while
     * connected) never supersede: the later one is a plain duplicate.
     */
    public static boolean supersedes(boolean newOutbound, boolean admittedOutbound, PeerId own, PeerId remote) {
        if (newOutbound == admittedOutbound) {
            return false;
        }
        PeerId dialer = newOutbound ? own : remote;
        PeerId listener = newOutbound ? remote : own;
        return dialer.compareTo(listener) < 0;
    }

    /** What the net layer knows about the connection when the first message arrives. */
    public record Context(boolean outbound, Set<NodeType> expectedRemoteTypes, PeerId ownPeerId, PeerId remotePeerId,
            boolean alreadyConnected, boolean banned) {}

    /** The result: accepted (with what we learned) or rejected (with why). */
    public sealed interface Verdict permits Accepted, Rejected {}

    public record Accepted(Handshake handshake, NodeType nodeType, String sanitizedSoftwareVersion,
            Set<Integer> enabledCapabilities, boolean rateLimitsV2) implements Verdict {}

    public record Rejected(CloseReason reason, String detail) implements Verdict {}

    private final Settings settings;
    private final int[] floor;

    public HandshakeRules(Settings settings) {
        this.settings = settings;
        this.floor = parseVersion(settings.protocolVersionFloor()).orElseThrow();
    }

    public Settings settings() {
        return settings;
    }

    public Verdict evaluate(Message first, Context ctx) {
        if (first.type() != ChiaMessageType.HANDSHAKE.code()) {
            return new Rejected(CloseReason.INVALID_HANDSHAKE, "first message has type " + first.type() + ", not 1 (handshake)");
        }
        Handshake h;
        try {
            h = Streamable.decodeFully(first.data(), WireLimits.DEFAULT, Handshake::decode);
        } catch (WireException e) {
            return new Rejected(CloseReason.INVALID_HANDSHAKE, "handshake does not decode: " + e.getMessage());
        }
        return evaluate(h, ctx);
    }

    public Verdict evaluate(Handshake h, Context ctx) {
        if (ctx.banned()) {
            return new Rejected(CloseReason.BANNED, "peer " + ctx.remotePeerId() + " is banned");
        }
        if (ctx.remotePeerId().equals(ctx.ownPeerId())) {
            return new Rejected(CloseReason.SELF_CONNECTION, "connected to ourselves");
        }
        if (ctx.alreadyConnected()) {
            return new Rejected(CloseReason.DUPLICATE_CONNECTION, "already connected to " + ctx.remotePeerId());
        }
        if (h.networkId().isEmpty()) {
            return new Rejected(CloseReason.INCOMPATIBLE_NETWORK_ID, "empty network_id");
        }
        if (!h.networkId().equals(settings.networkId())) {
            return new Rejected(CloseReason.INCOMPATIBLE_NETWORK_ID,
                    "network_id '" + abbreviate(h.networkId()) + "' is not ours ('" + abbreviate(settings.networkId()) + "')");
        }
        var version = parseVersion(h.protocolVersion());
        if (version.isEmpty()) {
            return new Rejected(CloseReason.INCOMPATIBLE_PROTOCOL_VERSION,
                    "protocol_version '" + abbreviate(h.protocolVersion()) + "' is not a.b.c");
        }
        if (compare(version.get(), floor) < 0) {
            return new Rejected(CloseReason.INCOMPATIBLE_PROTOCOL_VERSION,
                    "protocol_version " + h.protocolVersion() + " is below " + settings.protocolVersionFloor());
        }
        var software = sanitizeVersion(h.softwareVersion());
        if (software == null) {
            return new Rejected(CloseReason.INVALID_HANDSHAKE, "software_version longer than " + MAX_VERSION_STRING_BYTES + " bytes");
        }
        var type = NodeType.of(h.nodeType());
        if (type.isEmpty()) {
            return new Rejected(CloseReason.INVALID_NODE_TYPE, "unknown node_type " + h.nodeType());
        }
        Set<NodeType> allowed = ctx.outbound() ? ctx.expectedRemoteTypes() : settings.acceptedInbound();
        if (!allowed.contains(type.get())) {
            return new Rejected(CloseReason.INVALID_NODE_TYPE, "node_type " + type.get() + " not accepted here (expected " + allowed + ")");
        }
        Set<Integer> caps = new TreeSet<>();
        for (Capability c : h.capabilities()) {
            if (c.isEnabled()) {
                caps.add(c.id());
            }
        }
        boolean localV2 = settings.localCapabilities().stream()
                .anyMatch(c -> c.id() == Capability.RATE_LIMITS_V2 && c.isEnabled());
        return new Accepted(h, type.get(), software, Set.copyOf(caps), localV2 && caps.contains(Capability.RATE_LIMITS_V2));
    }

    /** Our handshake for a connection: node type, listening port, our capabilities. */
    public Handshake localHandshake(String protocolVersion, String softwareVersion, int serverPort, NodeType nodeType) {
        return new Handshake(settings.networkId(), protocolVersion, softwareVersion, serverPort, nodeType.code(),
                settings.localCapabilities());
    }

    /**
     * Chia's {@code sanitize_version_string}: null if the raw string exceeds 128 UTF-8 bytes,
     * otherwise the string with every Unicode Cc (control) and Cf (format) code point removed.
     */
    public static String sanitizeVersion(String raw) {
        if (raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_VERSION_STRING_BYTES) {
            return null;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        raw.codePoints().forEach(cp -> {
            int t = Character.getType(cp);
            if (t != Character.CONTROL && t != Character.FORMAT) {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    static java.util.Optional<int[]> parseVersion(String v) {
        String[] parts = v.split("\\.", -1);
        if (parts.length != 3) {
            return java.util.Optional.empty();
        }
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 9 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                return java.util.Optional.empty();
            }
            out[i] = Integer.parseInt(parts[i]);
        }
        return java.util.Optional.of(out);
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private static String abbreviate(String s) {
        return s.length() <= 70 ? s : s.substring(0, 67) + "...";
    }
}
