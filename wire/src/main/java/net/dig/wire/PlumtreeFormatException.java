package net.dig.wire;

/**
 * A Plumtree control body (opcodes 214-217) that cannot be decoded: the message says what was wrong and
 * at which byte offset, so the caller can penalise the sender with a useful reason.
 */
public final class PlumtreeFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PlumtreeFormatException(String message) {
        super(message);
    }
}
