package net.dig.wire;

import java.util.Optional;
import net.dig.core.Bytes32;

/** {@code NewUnfinishedBlock2} (type 92): {@code unfinished_reward_hash bytes32, foliage_hash Optional<bytes32>}. */
public record NewUnfinishedBlock2(Bytes32 unfinishedRewardHash, Optional<Bytes32> foliageHash) implements ProtocolMessage {
    public NewUnfinishedBlock2 {
        WireChecks.notNull("unfinishedRewardHash", unfinishedRewardHash);
        WireChecks.notNull("foliageHash", foliageHash);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.NEW_UNFINISHED_BLOCK2.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(unfinishedRewardHash).optional(foliageHash, StreamableWriter::bytes32);
    }

    public static NewUnfinishedBlock2 decode(StreamableReader r) {
        return new NewUnfinishedBlock2(r.bytes32(), r.optional(StreamableReader::bytes32));
    }
}
