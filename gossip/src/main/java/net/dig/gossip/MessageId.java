package net.dig.gossip;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import net.dig.core.Bytes32;
import net.dig.wire.Message;

/**
 * The id of a gossiped message: {@code SHA-256(msg_type || data)} with {@code msg_type} as one byte, the
 * fan-out dedup hash of dig-gossip (SPEC §8.1). It is always recomputed from the bytes received, never
 * taken from the wire, so a peer cannot make one message pass for another.
 */
public record MessageId(Bytes32 value) {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    });

    public static MessageId of(int type, byte[] data) {
        if (type < 0 || type > 255) {
            throw new IllegalArgumentException("msg_type must be a u8 but was " + type);
        }
        MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update((byte) type);
        digest.update(data);
        return new MessageId(Bytes32.wrap(digest.digest()));
    }

    public static MessageId of(Message message) {
        return of(message.type(), message.data());
    }

    @Override
    public String toString() {
        return value.toHex().substring(0, 18);
    }
}
