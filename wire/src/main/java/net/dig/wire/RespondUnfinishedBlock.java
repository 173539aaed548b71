package net.dig.wire;

import java.util.Arrays;

/**
 * {@code RespondUnfinishedBlock{unfinished_block: UnfinishedBlock}} (type 34).
 *
 * <p>The node only relays this body, so it is kept as opaque Streamable bytes: the whole
 * {@code data} of the envelope, with no extra length prefix. Consensus-level decoding is out of scope.
 */
public record RespondUnfinishedBlock(byte[] unfinishedBlock) implements ProtocolMessage {
    public RespondUnfinishedBlock {
        WireChecks.notNull("unfinishedBlock", unfinishedBlock);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.RESPOND_UNFINISHED_BLOCK.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.raw(unfinishedBlock);
    }

    public static RespondUnfinishedBlock decode(StreamableReader r) {
        return new RespondUnfinishedBlock(r.rest());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RespondUnfinishedBlock other && Arrays.equals(unfinishedBlock, other.unfinishedBlock);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(unfinishedBlock);
    }

    @Override
    public String toString() {
        return "RespondUnfinishedBlock[unfinishedBlock(" + unfinishedBlock.length + " bytes)]";
    }
}
