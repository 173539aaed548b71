package net.dig.net;

/** The exception that carries a {@link GossipError} out of a failed {@link GossipHandle} future. */
public final class GossipException extends RuntimeException {
    private final GossipError error;

    public GossipException(GossipError error) {
        super(error.describe(), error instanceof GossipError.Io io ? io.cause() : null);
        this.error = error;
    }

    public GossipError error() {
        return error;
    }
}
