package net.dig.net;

import net.dig.gossip.PeerId;
import net.dig.wire.Message;

/** One message received from a peer, as handed to the application (the seed's {@code (PeerId, Message)}). */
public record InboundMessage(PeerId peer, Message message) {}
