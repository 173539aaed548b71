package net.dig.wire;

/**
 * Bytes that do not form a valid value, or a value that cannot be written.
 *
 * <p>The message names what was being read and where ("string length 70000 exceeds the limit
 * 65536 at offset 12"), so that a log line identifies a misbehaving peer's frame without a dump.
 * {@link #offset()} is the byte offset inside the buffer being decoded, or -1 for encode errors.
 */
public final class WireException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int offset;

    public WireException(String message, int offset) {
        super(offset >= 0 ? message + " at offset " + offset : message);
        this.offset = offset;
    }

    public WireException(String message) {
        this(message, -1);
    }

    /** Where decoding failed, relative to the start of the decoded buffer; -1 when not decoding. */
    public int offset() {
        return offset;
    }
}
