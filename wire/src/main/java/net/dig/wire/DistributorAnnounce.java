package net.dig.wire;

import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;

/**
 * DIG {@code DISTRIBUTOR_ANNOUNCE} (type 226): {@code store_id bytes32 ‖ u16 count ‖ count × launcher_id
 * bytes32}, at most 32 launcher ids. Note the u16 count: this body is not a Streamable {@code List}.
 */
public record DistributorAnnounce(Bytes32 storeId, List<Bytes32> launcherIds) implements ProtocolMessage {
    public static final int MAX_LAUNCHERS = 32;

    public DistributorAnnounce {
        WireChecks.notNull("storeId", storeId);
        launcherIds = List.copyOf(launcherIds);
        if (launcherIds.size() > MAX_LAUNCHERS) {
            throw new IllegalArgumentException(launcherIds.size() + " launcher ids exceed " + MAX_LAUNCHERS);
        }
    }

    @Override
    public int messageType() {
        return DigMessageType.DISTRIBUTOR_ANNOUNCE.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(storeId).u16(launcherIds.size());
        launcherIds.forEach(w::bytes32);
    }

    public static DistributorAnnounce decode(StreamableReader r) {
        Bytes32 store = r.bytes32();
        int at = r.position();
        int count = r.u16();
        if (count > MAX_LAUNCHERS) {
            throw new WireException("distributor announce lists " + count + " launcher ids, more than " + MAX_LAUNCHERS, at);
        }
        List<Bytes32> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(r.bytes32());
        }
        return new DistributorAnnounce(store, ids);
    }
}
