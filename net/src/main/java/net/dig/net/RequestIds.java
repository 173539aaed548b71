package net.dig.net;

import java.util.function.IntPredicate;

/**
 * Hands out request ids for one connection from its half of the u16 space, the way Chia splits it
 * (docs/formats/wire.md): the dialing side uses 0..32767, the accepting side
 * 32768..65535, so ids chosen independently by both ends never collide and a reply can always be
 * told apart from a request. Ids go round-robin and skip those still awaiting a reply.
 * Not thread-safe: owned by the connection's event loop.
 */
final class RequestIds {
    static final int HALF = 32768;
    private final int base;
    private int next;

    RequestIds(boolean dialer) {
        this.base = dialer ? 0 : HALF;
    }

    /** The next id of this half not in use, or -1 if all 32768 are awaiting replies. */
    int allocate(IntPredicate inUse) {
        for (int i = 0; i < HALF; i++) {
            int id = base + next;
            next = (next + 1) % HALF;
            if (!inUse.test(id)) {
                return id;
            }
        }
        return -1;
    }

    /** True if {@code id} lies in this side's half (a reply to one of our requests). */
    boolean isOurs(int id) {
        return id >= base && id < base + HALF;
    }
}
