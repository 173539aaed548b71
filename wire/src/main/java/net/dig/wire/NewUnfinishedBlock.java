package net.dig.wire;

import net.dig.core.Bytes32;

/** {@code NewUnfinishedBlock} (type 32): {@code unfinished_reward_hash bytes32}. */
public record NewUnfinishedBlock(Bytes32 unfinishedRewardHash) implements ProtocolMessage {
    public NewUnfinishedBlock {
        WireChecks.notNull("unfinishedRewardHash", unfinishedRewardHash);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.NEW_UNFINISHED_BLOCK.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(unfinishedRewardHash);
    }

    public static NewUnfinishedBlock decode(StreamableReader r) {
        return new NewUnfinishedBlock(r.bytes32());
    }
}
