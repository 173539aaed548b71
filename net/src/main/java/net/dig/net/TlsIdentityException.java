package net.dig.net;

/** The node's TLS identity could not be loaded, created or used; the message names the file. */
public final class TlsIdentityException extends RuntimeException {
    public TlsIdentityException(String message) {
        super(message);
    }

    public TlsIdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
