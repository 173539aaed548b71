package net.dig.wire;

/**
 * One handshake capability: a {@code (u16 id, str value)} tuple. Chia treats value {@code "1"} as
 * enabled and anything else as disabled; unknown ids are ignored ({@code chia/server/capabilities.py}).
 */
public record Capability(int id, String value) implements Streamable {
    public static final int BASE = 1;
    public static final int BLOCK_HEADERS = 2;
    public static final int RATE_LIMITS_V2 = 3;
    public static final int NONE_RESPONSE = 4;
    public static final int MEMPOOL_UPDATES = 5;
    public static final int HARD_FORK_2 = 6;
    public static final int RATE_LIMITS_V3 = 7;

    public Capability {
        WireChecks.u16("capability id", id);
        WireChecks.notNull("capability value", value);
    }

    public static Capability enabled(int id) {
        return new Capability(id, "1");
    }

    public boolean isEnabled() {
        return "1".equals(value);
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u16(id).str(value);
    }

    public static Capability decode(StreamableReader r) {
        return new Capability(r.u16(), r.str());
    }
}
