package net.dig.net;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import net.dig.core.Hex;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.proof.ProofParts;
import net.dig.service.ErrorCode;
import net.dig.service.ProofService;
import net.dig.service.ServiceException;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload;
import net.dig.wire.WireException;

/**
 * The prover side of storage challenges over the peer network: a {@code ValidationChallenge} with a
 * {@code challenge_type} (opcode 240 with a request id, already accepted by the node-message validator on the bus)
 * is answered on a worker executor with a {@code ProofResponse} carrying the DIGB/1 bundle
 * ({@link ProofService#answerAt}: the challenge is the one {@code POST /validation/challenge} derives from the hex
 * of {@code challenge_id}), or a {@code NodeRefusal} with the error table's name: an unknown type or capsule, a
 * busy node ({@link ErrorCode#RATE_LIMITED} when the executor refuses work). The seed's single-chunk form (no
 * type) is refused as {@link ErrorCode#BAD_CHALLENGE_TYPE}: the bundle is the proof this node gives.
 *
 * <p>The bus handler runs on the connection's event loop and only hands work to the executor; the returned stage
 * completes when the reply is written, so the bus's per-type bound caps the challenges answered at once. Never
 * throws for anything a peer sends.
 */
public final class ChallengeServing implements AutoCloseable {
    private final NodeMessaging messaging;
    private final ProofService proofs;
    private final Executor workers;
    private final MessageBus.Subscription subscription;

    private ChallengeServing(GossipHandle handle, NodeMessaging messaging, ProofService proofs, Executor workers) {
        this.messaging = messaging;
        this.proofs = proofs;
        this.workers = workers;
        this.subscription = handle.subscribe(t -> t == NodeMessage.OPCODE, this::handle);
    }

    /** Answers the storage challenges of every peer of {@code handle} from {@code proofs}, on {@code workers}. */
    public static ChallengeServing start(GossipHandle handle, NodeMessaging messaging, ProofService proofs, Executor workers) {
        return new ChallengeServing(Objects.requireNonNull(handle, "handle"), Objects.requireNonNull(messaging, "messaging"),
                Objects.requireNonNull(proofs, "proofs"), Objects.requireNonNull(workers, "workers"));
    }

    private CompletionStage<Void> handle(PeerId from, Message message) {
        if (message.id().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        NodePayload.ValidationChallenge challenge;
        try {
            if (!(NodeMessageCodec.decode(message.data(), NodeMessageLimits.DEFAULT).payload()
                    instanceof NodePayload.ValidationChallenge c)) {
                return CompletableFuture.completedFuture(null);
            }
            challenge = c;
        } catch (WireException e) {
            return CompletableFuture.completedFuture(null); // the validator accepted it, so it decodes
        }
        return WorkerReplies.answer(messaging, workers, from, message.id().getAsInt(), () -> answer(challenge));
    }

    private NodePayload answer(NodePayload.ValidationChallenge c) {
        ProofParts parts = c.wantsBundle() ? ProofService.partsOf(c.challengeType()) : null;
        if (parts == null) {
            return new NodePayload.NodeRefusal(ErrorCode.BAD_CHALLENGE_TYPE.name(),
                    "challenge_type must name a proof bundle (inclusion, physical_access, full, ...), got \""
                            + c.challengeType() + "\"", 0);
        }
        try {
            ProofService.Answer a = proofs.answerAt(Hex.encode(c.challengeId().toArray()), c.datastoreId(), c.capsuleIndex(), parts);
            return NodePayload.ProofResponse.ofBundle(c.challengeId(), a.capsuleHash(),
                    a.generated().bundle().plotId(), a.generated().bytes());
        } catch (ServiceException e) {
            return new NodePayload.NodeRefusal(e.code().name(), String.valueOf(e.getMessage()), 0);
        } catch (RuntimeException e) {
            return new NodePayload.NodeRefusal(ErrorCode.INTERNAL_ERROR.name(), "cannot answer: " + e.getMessage(), 0);
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
