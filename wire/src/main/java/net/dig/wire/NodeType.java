package net.dig.wire;

import java.util.Optional;

/** Chia's {@code NodeType}, a u8 on the wire ({@code chia/protocols/outbound_message.py}). */
public enum NodeType {
    FULL_NODE(1),
    HARVESTER(2),
    FARMER(3),
    TIMELORD(4),
    INTRODUCER(5),
    WALLET(6),
    DATA_LAYER(7),
    SOLVER(8);

    private static final NodeType[] BY_CODE = new NodeType[256];

    static {
        for (NodeType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    NodeType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<NodeType> of(int code) {
        return (code & ~0xFF) != 0 ? Optional.empty() : Optional.ofNullable(BY_CODE[code]);
    }
}
