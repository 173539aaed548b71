package net.dig.wire;

import java.util.Arrays;

/**
 * {@code RespondBlocks{start_height u32, end_height u32, blocks List<FullBlock>}} (type 30). The block
 * list (its u32 count and the FullBlocks) is kept as opaque bytes: the node relays it unparsed.
 */
public record RespondBlocks(long startHeight, long endHeight, byte[] blocks) implements ProtocolMessage {
    public RespondBlocks {
        WireChecks.u32("startHeight", startHeight);
        WireChecks.u32("endHeight", endHeight);
        WireChecks.notNull("blocks", blocks);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.RESPOND_BLOCKS.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u32(startHeight).u32(endHeight).raw(blocks);
    }

    public static RespondBlocks decode(StreamableReader r) {
        return new RespondBlocks(r.u32(), r.u32(), r.rest());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RespondBlocks other && startHeight == other.startHeight && endHeight == other.endHeight
                && Arrays.equals(blocks, other.blocks);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(startHeight * 31 + endHeight) + Arrays.hashCode(blocks);
    }

    @Override
    public String toString() {
        return "RespondBlocks[" + startHeight + ".." + endHeight + ", blocks(" + blocks.length + " bytes)]";
    }
}
