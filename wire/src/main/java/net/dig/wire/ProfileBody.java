package net.dig.wire;

import java.util.Arrays;
import net.dig.core.Bytes32;

/** DIG {@code PROFILE_BODY} (type 225): {@code store_id bytes32 ‖ root bytes32 ‖ body bytes (u32 len, <= 1 MiB)}. */
public record ProfileBody(Bytes32 storeId, Bytes32 root, byte[] body) implements ProtocolMessage {
    public static final int MAX_BODY = 1 << 20;

    public ProfileBody {
        WireChecks.notNull("storeId", storeId);
        WireChecks.notNull("root", root);
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("profile body of " + body.length + " bytes exceeds " + MAX_BODY);
        }
    }

    @Override
    public int messageType() {
        return DigMessageType.PROFILE_BODY.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes32(storeId).bytes32(root).bytes(body);
    }

    public static ProfileBody decode(StreamableReader r) {
        return new ProfileBody(r.bytes32(), r.bytes32(), r.bytes(MAX_BODY));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfileBody other && storeId.equals(other.storeId) && root.equals(other.root)
                && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * storeId.hashCode() + root.hashCode()) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "ProfileBody[storeId=" + storeId + ", root=" + root + ", body(" + body.length + " bytes)]";
    }
}
