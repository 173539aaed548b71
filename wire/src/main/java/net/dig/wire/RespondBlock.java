package net.dig.wire;

import java.util.Arrays;

/**
 * {@code RespondBlock{block: FullBlock}} (type 27).
 *
 * <p>The node only relays this body, so it is kept as opaque Streamable bytes: the whole
 * {@code data} of the envelope, with no extra length prefix. Consensus-level decoding is out of scope.
 */
public record RespondBlock(byte[] block) implements ProtocolMessage {
    public RespondBlock {
        WireChecks.notNull("block", block);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.RESPOND_BLOCK.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.raw(block);
    }

    public static RespondBlock decode(StreamableReader r) {
        return new RespondBlock(r.rest());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RespondBlock other && Arrays.equals(block, other.block);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(block);
    }

    @Override
    public String toString() {
        return "RespondBlock[block(" + block.length + " bytes)]";
    }
}
