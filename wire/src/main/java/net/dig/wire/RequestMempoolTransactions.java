package net.dig.wire;

import java.util.Arrays;

/** {@code RequestMempoolTransactions} (type 39): {@code filter bytes} (a BIP-158 style filter). */
public record RequestMempoolTransactions(byte[] filter) implements ProtocolMessage {
    public RequestMempoolTransactions {
        WireChecks.notNull("filter", filter);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.REQUEST_MEMPOOL_TRANSACTIONS.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.bytes(filter);
    }

    public static RequestMempoolTransactions decode(StreamableReader r) {
        return new RequestMempoolTransactions(r.bytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestMempoolTransactions other && Arrays.equals(filter, other.filter);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(filter);
    }

    @Override
    public String toString() {
        return "RequestMempoolTransactions[filter(" + filter.length + " bytes)]";
    }
}
