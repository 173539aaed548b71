package net.dig.wire;

import java.math.BigInteger;
import net.dig.core.Bytes32;

/**
 * {@code NewPeak} (type 20): {@code header_hash bytes32, height u32, weight u128,
 * fork_point_with_previous_peak u32, unfinished_reward_block_hash bytes32}.
 */
public record NewPeak(Bytes32 headerHash, long height, BigInteger weight, long forkPointWithPreviousPeak,
        Bytes32 unfinishedRewardBlockHash) implements ProtocolMessage {
    public NewPeak {
        WireChecks.notNull("headerHash", headerHash);
        WireChecks.u32("height", height);
        if (weight.signum() < 0 || weight.bitLength() > 128) {
            throw new IllegalArgumentException("weight must be a u128 but was " + weight);
        }
        WireChecks.u32("forkPointWithPreviousPeak", forkPointWithPreviousPeak);
        WireChecks.notNull("unfinishedRewardBlockHash", unfinishedRewardBlockHash);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.NEW_PEAK.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(headerHash).u32(height).u128(weight).u32(forkPointWithPreviousPeak).bytes32(unfinishedRewardBlockHash);
    }

    public static NewPeak decode(StreamableReader r) {
        return new NewPeak(r.bytes32(), r.u32(), r.u128(), r.u32(), r.bytes32());
    }
}
