package net.dig.wire;

import java.util.function.Function;

/** A value with a Chia Streamable encoding (see {@link StreamableWriter} for the rules). */
public interface Streamable {
    void writeTo(StreamableWriter writer);

    /** The Streamable bytes of this value. */
    default byte[] encode() {
        StreamableWriter writer = new StreamableWriter();
        writeTo(writer);
        return writer.toByteArray();
    }

    /**
     * Decodes a whole buffer as one value, as Chia's {@code from_bytes}: trailing bytes are an error.
     */
    static <T> T decodeFully(byte[] bytes, WireLimits limits, Function<StreamableReader, T> decoder) {
        StreamableReader reader = new StreamableReader(bytes, limits);
        T value = decoder.apply(reader);
        reader.requireFullyConsumed();
        return value;
    }
}
