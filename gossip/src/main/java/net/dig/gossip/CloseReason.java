package net.dig.gossip;

/**
 * Why a connection is refused or closed, with what goes on the wire. A refused handshake closes the
 * WebSocket with code 1002 (PROTOCOL_ERROR) and the Chia error code as text payload (e.g. "110"),
 * then bans the IP for {@link #banSeconds()} (Chia {@code INVALID_PROTOCOL_BAN_SECONDS} = 10).
 */
public enum CloseReason {
    INVALID_HANDSHAKE(-6, 10),
    INCOMPATIBLE_NETWORK_ID(110, 10),
    INCOMPATIBLE_PROTOCOL_VERSION(-6, 10),
    INVALID_NODE_TYPE(-4, 10),
    SELF_CONNECTION(-5, 0),
    DUPLICATE_CONNECTION(1, 0),
    BANNED(1, 0),
    INVALID_PROTOCOL_MESSAGE(-4, 10),
    RATE_LIMITED(1, 300);

    public static final int WS_PROTOCOL_ERROR = 1002;

    private final int chiaErrorCode;
    private final int banSeconds;

    CloseReason(int chiaErrorCode, int banSeconds) {
        this.chiaErrorCode = chiaErrorCode;
        this.banSeconds = banSeconds;
    }

    /** Chia {@code Err} code sent as the close payload ({@code str(int(err))}). */
    public int chiaErrorCode() {
        return chiaErrorCode;
    }

    /** IP ban that follows (0 = none); never applied to exempt IPs. */
    public int banSeconds() {
        return banSeconds;
    }

    public String closePayload() {
        return Integer.toString(chiaErrorCode);
    }
}
