package net.dig.sim;

import java.util.Optional;
import net.dig.gossip.MessageBusConfig;
import net.dig.gossip.MessageValidator;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.gossip.PlumtreeConfig;
import net.dig.gossip.PlumtreeOutput;
import net.dig.gossip.PlumtreeRouter;
import net.dig.gossip.PlumtreeViolation;
import net.dig.wire.Message;

/**
 * The real {@link PlumtreeRouter}, with its effects wired to the simulator. It runs the validating path
 * as the transport does, with {@link MessageValidator#ACCEPT_ALL} (the simulated payloads carry nothing to
 * check); the verdict is synchronous, so no continuation is ever queued on the simulator's thread.
 */
final class PlumtreeProtocol implements SimProtocol {
    private final PlumtreeRouter router;

    PlumtreeProtocol(Simulation.NodeContext node, PlumtreeConfig config) {
        this.router = new PlumtreeRouter(config, node, new PlumtreeOutput() {
            @Override
            public void send(PeerId to, Message message) {
                node.send(to, message);
            }

            @Override
            public void deliver(PeerId from, Message message) {
                node.deliver(message);
            }

            @Override
            public void penalize(PeerId peer, PlumtreeViolation violation, String detail) {
                node.penalize(peer, violation);
            }

            @Override
            public void rejected(PeerId from, Message message, PenaltyReason reason) {
                node.penalize(from, reason);
            }
        }, MessageValidator.ACCEPT_ALL, MessageBusConfig.defaults().maxValidationsInFlight(), Runnable::run);
    }

    PlumtreeRouter router() {
        return router;
    }

    @Override
    public void onNeighborUp(PeerId peer) {
        router.onNeighborUp(peer);
    }

    @Override
    public void onNeighborDown(PeerId peer) {
        router.onNeighborDown(peer);
    }

    @Override
    public void onMessage(PeerId from, Message message) {
        router.onMessage(from, message);
    }

    @Override
    public void onTick(long nowMillis) {
        router.onTick(nowMillis);
    }

    @Override
    public long nextWakeupMillis() {
        return router.nextWakeupMillis();
    }

    @Override
    public int broadcast(Message message, Optional<PeerId> exclude) {
        return router.broadcast(message, exclude);
    }
}
