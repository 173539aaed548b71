package net.dig.wire;

import java.util.OptionalInt;

/** A Streamable body that travels as the {@code data} of a {@link Message} of a fixed type. */
public interface ProtocolMessage extends Streamable {
    /** The envelope's u8 type (a {@link ChiaMessageType} or {@link DigMessageType} code). */
    int messageType();

    /** A fire-and-forget envelope ({@code id = None}). */
    default Message toMessage() {
        return new Message(messageType(), OptionalInt.empty(), encode());
    }

    /** An envelope carrying a request id, or echoing the id of the request it answers. */
    default Message toMessage(int id) {
        return new Message(messageType(), OptionalInt.of(id), encode());
    }
}
