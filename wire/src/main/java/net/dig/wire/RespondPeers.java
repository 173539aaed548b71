package net.dig.wire;

import java.util.List;

/** {@code RespondPeers{peer_list: List<TimestampedPeerInfo>}} (type 44). */
public record RespondPeers(List<TimestampedPeerInfo> peerList) implements ProtocolMessage {
    public RespondPeers {
        peerList = List.copyOf(peerList);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.RESPOND_PEERS.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.list(peerList, (ww, p) -> p.writeTo(ww));
    }

    public static RespondPeers decode(StreamableReader r) {
        return new RespondPeers(r.list(TimestampedPeerInfo::decode, TimestampedPeerInfo.MIN_SIZE));
    }
}
