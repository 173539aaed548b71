package net.dig.wire;

import java.util.ArrayList;
import java.util.List;

/** Shared framing of the block and transaction relay bodies (209, 210, 213): version, kind, counts, index lists. */
final class BlockRelayBodies {
    static final int VERSION = 1;

    private BlockRelayBodies() {}

    static void readVersion(StreamableReader r, String body) {
        int at = r.position();
        int version = r.u8();
        if (version != VERSION) {
            throw new WireException(body + ": unsupported version " + version + " (this node reads version " + VERSION + ")", at);
        }
    }

    /** Reads the version byte and returns the kind byte after it. */
    static int readKind(StreamableReader r, String body) {
        readVersion(r, body);
        return r.u8();
    }

    /** A u32 count in {@code min..max}, checked against the bytes present before anything is allocated. */
    static int readCount(StreamableReader r, String body, int min, int max, int minElementSize) {
        int at = r.position();
        long count = r.u32();
        if (count < min || count > max) {
            throw new WireException(body + ": count " + count + " is outside " + min + ".." + max, at);
        }
        if (minElementSize > 0 && count > r.remaining() / minElementSize) {
            throw new WireException(body + ": count " + count + " needs at least " + count * minElementSize + " bytes but "
                    + r.remaining() + " remain", at);
        }
        return (int) count;
    }

    /** Strictly increasing indexes below {@link RelayBlock#MAX_TRANSACTIONS}, or an {@link IllegalArgumentException}. */
    static List<Integer> checkIndexes(List<Integer> indexes) {
        List<Integer> copy = List.copyOf(indexes);
        int previous = -1;
        for (int index : copy) {
            if (index <= previous || index >= RelayBlock.MAX_TRANSACTIONS) {
                throw new IllegalArgumentException("indexes must increase strictly and stay below "
                        + RelayBlock.MAX_TRANSACTIONS + ", got " + index + " after " + previous);
            }
            previous = index;
        }
        return copy;
    }

    /** BIP-152's differential encoding: each index as u16 {@code index - previous - 1}, the first as itself. */
    static void writeDelta(StreamableWriter w, int index, int previous) {
        w.u16(index - previous - 1);
    }

    static int readDelta(StreamableReader r, String body, int previous) {
        int at = r.position();
        int index = previous + 1 + r.u16();
        if (index >= RelayBlock.MAX_TRANSACTIONS) {
            throw new WireException(body + ": index " + index + " is past the largest block", at);
        }
        return index;
    }

    static List<RelayTransaction> readTransactions(StreamableReader r, String body, int min) {
        int n = readCount(r, body, min, RelayBlock.MAX_TRANSACTIONS, 5);
        List<RelayTransaction> txs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            txs.add(RelayTransaction.read(r, body));
        }
        return txs;
    }

    static void writeTransactions(StreamableWriter w, List<RelayTransaction> txs) {
        w.u32(txs.size());
        for (RelayTransaction tx : txs) {
            tx.writeTo(w);
        }
    }

    static WireException unknownKind(String body, int kind, int at) {
        return new WireException(body + ": unknown kind " + kind, at);
    }

    static long littleEndian(byte[] bytes) {
        long v = 0;
        for (int i = bytes.length - 1; i >= 0; i--) {
            v = (v << 8) | (bytes[i] & 0xFFL);
        }
        return v;
    }
}
