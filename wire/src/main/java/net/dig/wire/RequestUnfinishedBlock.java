package net.dig.wire;

import net.dig.core.Bytes32;

/** {@code RequestUnfinishedBlock} (type 33): {@code unfinished_reward_hash bytes32}. */
public record RequestUnfinishedBlock(Bytes32 unfinishedRewardHash) implements ProtocolMessage {
    public RequestUnfinishedBlock {
        WireChecks.notNull("unfinishedRewardHash", unfinishedRewardHash);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.REQUEST_UNFINISHED_BLOCK.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(unfinishedRewardHash);
    }

    public static RequestUnfinishedBlock decode(StreamableReader r) {
        return new RequestUnfinishedBlock(r.bytes32());
    }
}
