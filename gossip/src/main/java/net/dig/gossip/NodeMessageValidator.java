package net.dig.gossip;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.dig.core.Clock;
import net.dig.core.Sha256;
import net.dig.wire.HandleLabels;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload;
import net.dig.wire.TlsBinding;
import net.dig.wire.WireException;

/**
 * The {@link MessageValidator} of opcode 240 (signed node messages, docs/formats/wire.md "Node messages").
 * It decides before anything is delivered; nothing it refuses reaches a handler or another peer.
 *
 * <h2>Checks, in order</h2>
 * <pre>
 *  decode within NodeMessageLimits                      else REJECT MALFORMED_MESSAGE
 *  network id is this node's                            else REJECT PROTOCOL_VIOLATION
 *  Ed25519 signature over the received bytes            else REJECT INVALID_SIGNATURE
 *  |timestamp - now| <= freshness                       else REJECT STALE_MESSAGE
 *  announcement: tls_peer_id = the connection's PeerId
 *     = SHA-256(tls_public_key)                         else REJECT UNBOUND_SENDER
 *     and the TLS binding signature holds               else REJECT INVALID_SIGNATURE
 *  other payloads: the sender key is the one the
 *     connection's peer announced                       else REJECT UNBOUND_SENDER
 *  handle registration (21) or each of a batch's (23):
 *     label not reserved                                else REJECT MALFORMED_MESSAGE
 *     id = SHA-256(owner key || nonce), owner signed    else REJECT INVALID_SIGNATURE
 *     a broadcast one (21): |registered_at - now| <= skew  else IGNORE (clocks differ honestly; an old one comes
 *                                                       by anti-entropy instead; in a batch, the service leaves
 *                                                       out records ahead of the clock one by one)
 *  (sender, sequence) never seen, at most 64 behind     else REJECT REPLAYED_MESSAGE
 *    (a sender forgotten under the replay bound and
 *     a timestamp not above its watermark: IGNORE)
 * </pre>
 * Replay state is touched last, so a forged or unbound message cannot burn a sender's sequence. An
 * accepted announcement is recorded in the {@link NodeDirectory}.
 *
 * <h2>Concurrency and failure modes</h2>
 * Thread-safe; runs on the delivering event loop and completes its stage at once (one Ed25519 check, and
 * for an announcement one ECDSA/RSA check; a handle record one more, a batch of them at most 64 more). Never throws on bad input. {@link #check} gives the same
 * verdict with the decoded message, for replies to this node's requests, which the bus does not see.
 */
public final class NodeMessageValidator implements MessageValidator {
    /** A verdict and, when the message decoded, the message. */
    public record Checked(Verdict verdict, NodeMessage message) {}

    private final Clock clock;
    private final NodeMessageConfig config;
    private final String networkId;
    private final NodeMessageLimits limits;
    private final NodeDirectory directory;
    private final ReplayGuard replays;

    public NodeMessageValidator(Clock clock, NodeMessageConfig config, String networkId, NodeMessageLimits limits,
            NodeDirectory directory) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
        this.networkId = Objects.requireNonNull(networkId, "networkId");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.replays = new ReplayGuard(config.maxReplaySenders());
    }

    public NodeDirectory directory() {
        return directory;
    }

    @Override
    public CompletionStage<Verdict> validate(PeerId from, Message message) {
        return CompletableFuture.completedFuture(check(from, message).verdict());
    }

    /** Validates one opcode-240 frame from {@code from}; the message is null when it did not decode. */
    public Checked check(PeerId from, Message message) {
        NodeMessage m;
        try {
            m = NodeMessageCodec.decode(message.data(), limits);
        } catch (WireException e) {
            return new Checked(Verdict.reject(PenaltyReason.MALFORMED_MESSAGE), null);
        }
        return new Checked(verdict(from, m), m);
    }

    private Verdict verdict(PeerId from, NodeMessage m) {
        if (!m.networkId().equals(networkId)) {
            return Verdict.reject(PenaltyReason.PROTOCOL_VIOLATION);
        }
        if (!m.signatureValid()) {
            return Verdict.reject(PenaltyReason.INVALID_SIGNATURE);
        }
        long now = clock.epochSeconds();
        long skew = m.timestamp() < 0 ? Long.MAX_VALUE : Math.abs(m.timestamp() - now);
        if (skew > config.freshness().toSeconds()) {
            return Verdict.reject(PenaltyReason.STALE_MESSAGE);
        }
        if (m.payload() instanceof NodePayload.NodeAnnouncement a) {
            if (!a.tlsPeerId().equals(from.value()) || !Sha256.hash(a.tlsPublicKey()).equals(a.tlsPeerId())) {
                return Verdict.reject(PenaltyReason.UNBOUND_SENDER);
            }
            if (!TlsBinding.verify(a.tlsPublicKey(), m.senderKey().toArray(), a.tlsBindingSignature())) {
                return Verdict.reject(PenaltyReason.INVALID_SIGNATURE);
            }
        } else if (!directory.get(from).map(NodeDirectory.NodeInfo::nodeKey).map(m.senderKey()::equals).orElse(false)) {
            return Verdict.reject(PenaltyReason.UNBOUND_SENDER);
        }
        Verdict handles = handleVerdict(m.payload(), now);
        if (handles != Verdict.ACCEPT) {
            return handles;
        }
        if (m.payload() instanceof NodePayload.StorageAttestation a) {
            // one hop from the validator itself (docs/decisions.md D68b): its key is the sender's, its signature holds
            if (!a.validatorKey().equals(m.senderKey())) {
                return Verdict.reject(PenaltyReason.UNBOUND_SENDER);
            }
            if (!a.signatureValid()) {
                return Verdict.reject(PenaltyReason.INVALID_SIGNATURE);
            }
        }
        switch (replays.accept(m.senderKey(), m.sequence(), m.timestamp())) {
            case REPLAYED -> {
                return Verdict.reject(PenaltyReason.REPLAYED_MESSAGE);
            }
            case FORGOTTEN -> {
                return Verdict.IGNORE;
            }
            case FRESH -> { }
        }
        if (m.payload() instanceof NodePayload.NodeAnnouncement a) {
            directory.record(new NodeDirectory.NodeInfo(from, m.senderKey(), m.senderNodeId(), a, m.timestamp()));
        }
        return Verdict.ACCEPT;
    }

    /** The handle checks (docs/decisions.md D64a) of payloads 21 and 23; ACCEPT for every other payload. */
    private static Verdict handleVerdict(NodePayload payload, long now) {
        return switch (payload) {
            case NodePayload.HandleRegistration r -> handleVerdict(r, now, true);
            case NodePayload.HandleBatch b -> {
                for (NodePayload.HandleRegistration r : b.registrations()) {
                    Verdict v = handleVerdict(r, now, false);
                    if (v.outcome() == Verdict.Outcome.REJECT) {
                        yield v;
                    }
                }
                yield Verdict.ACCEPT; // records ahead of this node's clock are left out by the service, one by one
            }
            default -> Verdict.ACCEPT;
        };
    }

    private static Verdict handleVerdict(NodePayload.HandleRegistration r, long now, boolean live) {
        if (HandleLabels.reserved(r.label())) {
            return Verdict.reject(PenaltyReason.MALFORMED_MESSAGE);
        }
        if (!r.ownerValid()) {
            return Verdict.reject(PenaltyReason.INVALID_SIGNATURE);
        }
        long skew = NodePayload.HandleRegistration.MAX_SKEW_SECONDS;
        if (r.registeredAt() > now + skew || live && r.registeredAt() < now - skew) {
            return Verdict.IGNORE;
        }
        return Verdict.ACCEPT;
    }
}
