package net.dig.wire;

import java.util.Arrays;
import java.util.Optional;

/**
 * Chia {@code Error} (type 255): {@code code i16, message str, data Optional<bytes>}
 * ({@code chia/protocols/shared_protocol.py}). Chia sends it only to peers at protocol 0.0.35+.
 */
public record ChiaError(int code, String message, Optional<byte[]> data) implements ProtocolMessage {
    public ChiaError {
        if (code < Short.MIN_VALUE || code > Short.MAX_VALUE) {
            throw new IllegalArgumentException("error code must be an i16 but was " + code);
        }
        WireChecks.notNull("message", message);
        WireChecks.notNull("data", data);
    }

    @Override
    public int messageType() {
        return ChiaMessageType.ERROR.code();
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.i16(code).str(message).optional(data, StreamableWriter::bytes);
    }

    public static ChiaError decode(StreamableReader r) {
        return new ChiaError(r.i16(), r.str(), r.optional(StreamableReader::bytes));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChiaError other && code == other.code && message.equals(other.message)
                && data.isPresent() == other.data.isPresent()
                && (data.isEmpty() || Arrays.equals(data.get(), other.data.get()));
    }

    @Override
    public int hashCode() {
        return 31 * (31 * code + message.hashCode()) + data.map(Arrays::hashCode).orElse(-1);
    }

    @Override
    public String toString() {
        return "ChiaError[code=" + code + ", message=" + message + ", data="
                + data.map(d -> d.length + " bytes").orElse("None") + "]";
    }
}
