package net.dig.gossip;

import java.util.ArrayList;
import java.util.List;
import net.dig.wire.Message;

/** Collects a router's effects for assertions. */
final class RecordingOutput implements PlumtreeOutput {
    record Sent(PeerId to, Message message) {}

    record Penalty(PeerId peer, PlumtreeViolation violation, String detail) {}

    final List<Sent> sent = new ArrayList<>();
    final List<Message> delivered = new ArrayList<>();
    final List<Penalty> penalties = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();

    record Rejection(PeerId from, Message message, PenaltyReason reason) {}

    @Override
    public void send(PeerId to, Message message) {
        sent.add(new Sent(to, message));
    }

    @Override
    public void deliver(PeerId from, Message message) {
        delivered.add(message);
    }

    @Override
    public void penalize(PeerId peer, PlumtreeViolation violation, String detail) {
        penalties.add(new Penalty(peer, violation, detail));
    }

    @Override
    public void rejected(PeerId from, Message message, PenaltyReason reason) {
        rejections.add(new Rejection(from, message, reason));
    }

    List<Sent> sentOfType(int type) {
        return sent.stream().filter(s -> s.message().type() == type).toList();
    }

    List<Sent> drain() {
        List<Sent> copy = List.copyOf(sent);
        sent.clear();
        return copy;
    }
}
