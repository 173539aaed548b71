package net.dig.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The body of an opcode-242 {@code DIG_RELAY} frame: how a node behind a NAT registers with a relay and
 * how a relayed session's bytes travel (docs/formats/wire.md "Relay messages", docs/decisions.md D50r).
 *
 * <pre>
 *  body     = u8 version (1) ‖ u8 kind ‖ fields
 *  kind 1   REGISTER     (node → relay)   nothing: "route sessions for my TLS PeerId to this connection"
 *  kind 2   REGISTERED   (relay → node)   u8 status (0 accepted, else a {@link Reason})
 *  kind 3   OPEN         both ways        u32 session ‖ 32 peer_id
 *                                         to the relay: peer_id is the target; from the relay: the opener
 *  kind 4   DATA         both ways        u32 session ‖ u32 length ‖ length bytes (≤ {@link #MAX_DATA})
 *  kind 5   CLOSE        both ways        u32 session ‖ u8 reason ({@link Reason})
 * </pre>
 * Integers are big-endian. A session id is chosen by whoever sends the first {@code OPEN} on a connection
 * and is local to that connection: an opener picks ids below {@code 2^31}, the relay picks ids with the high
 * bit set on the target's connection and maps the two. {@code DATA} carries opaque bytes: the peers' own TLS, WebSocket and Chia handshake run inside
 * it end to end, so the relay sees ciphertext only.
 *
 * <p>Decoding checks the version, the kind, the declared length against {@link #MAX_DATA} and against what
 * is left, before allocating, and refuses trailing bytes. Pure; no state.
 */
public sealed interface RelayFrame {
    int OPCODE = 242;
    int VERSION = 1;
    /** The largest DATA payload: 64 KiB, well under every frame cap. */
    int MAX_DATA = 64 * 1024;

    /** Why a registration or a session was refused or ended. */
    enum Reason {
        NORMAL(0), UNKNOWN_TARGET(1), RELAY_FULL(2), SESSION_LIMIT(3), BYTE_LIMIT(4), NOT_REGISTERED(5),
        UNKNOWN_SESSION(6), TARGET_GONE(7), SELF(8);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Reason of(int code, int offset) {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            throw new WireException("unknown relay reason " + code, offset);
        }
    }

    record Register() implements RelayFrame { }

    /** {@code refusal} is {@link Reason#NORMAL} when accepted. */
    record Registered(Reason refusal) implements RelayFrame {
        public boolean accepted() {
            return refusal == Reason.NORMAL;
        }
    }

    record Open(int session, byte[] peerId) implements RelayFrame {
        public Open {
            if (peerId.length != 32) {
                throw new IllegalArgumentException("a PeerId is 32 bytes");
            }
            peerId = peerId.clone();
        }

        @Override
        public byte[] peerId() {
            return peerId.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Open other && other.session == session && Arrays.equals(other.peerId, peerId);
        }

        @Override
        public int hashCode() {
            return 31 * session + Arrays.hashCode(peerId);
        }
    }

    /** {@code bytes} is not copied: the sender hands it over. */
    record Data(int session, byte[] bytes) implements RelayFrame {
        public Data {
            if (bytes.length > MAX_DATA) {
                throw new IllegalArgumentException("relay data of " + bytes.length + " bytes exceeds " + MAX_DATA);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data other && other.session == session && Arrays.equals(other.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return 31 * session + Arrays.hashCode(bytes);
        }
    }

    record Close(int session, Reason reason) implements RelayFrame { }

    /** The frame as the body of an opcode-242 message. */
    default Message toMessage() {
        return new Message(OPCODE, java.util.OptionalInt.empty(), encode(this));
    }

    static byte[] encode(RelayFrame frame) {
        ByteBuffer b;
        switch (frame) {
            case Register r -> b = header(0, 1);
            case Registered r -> b = header(1, 2).put((byte) r.refusal().code());
            case Open o -> b = header(36, 3).putInt(o.session()).put(o.peerId);
            case Data d -> b = header(8 + d.bytes().length, 4).putInt(d.session()).putInt(d.bytes().length).put(d.bytes());
            case Close c -> b = header(5, 5).putInt(c.session()).put((byte) c.reason().code());
        }
        return b.array();
    }

    private static ByteBuffer header(int fields, int kind) {
        return ByteBuffer.allocate(2 + fields).put((byte) VERSION).put((byte) kind);
    }

    /** @throws WireException on a bad version, kind, reason or length, or trailing bytes */
    static RelayFrame decode(byte[] body) {
        if (body.length < 2) {
            throw new WireException("relay frame shorter than its header", 0);
        }
        if ((body[0] & 0xFF) != VERSION) {
            throw new WireException("unsupported relay frame version " + (body[0] & 0xFF), 0);
        }
        ByteBuffer b = ByteBuffer.wrap(body, 2, body.length - 2);
        int kind = body[1] & 0xFF;
        RelayFrame frame = switch (kind) {
            case 1 -> new Register();
            case 2 -> new Registered(Reason.of(u8(b), 2));
            case 3 -> {
                int session = u32(b);
                need(b, 32);
                byte[] id = new byte[32];
                b.get(id);
                yield new Open(session, id);
            }
            case 4 -> {
                int session = u32(b);
                int length = u32(b);
                if (length < 0 || length > MAX_DATA) {
                    throw new WireException("relay data length " + Integer.toUnsignedString(length) + " exceeds " + MAX_DATA, 8);
                }
                need(b, length);
                byte[] bytes = new byte[length];
                b.get(bytes);
                yield new Data(session, bytes);
            }
            case 5 -> new Close(u32(b), Reason.of(u8(b), 6));
            default -> throw new WireException("unknown relay frame kind " + kind, 1);
        };
        if (b.hasRemaining()) {
            throw new WireException(b.remaining() + " trailing bytes after relay frame", b.position());
        }
        return frame;
    }

    private static int u8(ByteBuffer b) {
        need(b, 1);
        return b.get() & 0xFF;
    }

    private static int u32(ByteBuffer b) {
        need(b, 4);
        return b.getInt();
    }

    private static void need(ByteBuffer b, int n) {
        if (b.remaining() < n) {
            throw new WireException("relay frame truncated: need " + n + " bytes, have " + b.remaining(), b.position());
        }
    }
}
