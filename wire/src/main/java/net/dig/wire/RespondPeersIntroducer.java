package net.dig.wire;

import java.util.List;

/** {@code RespondPeersIntroducer{peer_list: List<TimestampedPeerInfo>}} (type 64). */
public record RespondPeersIntroducer(List<TimestampedPeerInfo> peerList) implements ProtocolMessage {
    public RespondPeersIntroducer {
        peerList = List.copyOf(peerList);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.RESPOND_PEERS_INTRODUCER.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.list(peerList, (ww, p) -> p.writeTo(ww));
    }

    public static RespondPeersIntroducer decode(StreamableReader r) {
        return new RespondPeersIntroducer(r.list(TimestampedPeerInfo::decode, TimestampedPeerInfo.MIN_SIZE));
    }
}
