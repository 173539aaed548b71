package net.dig.service;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import net.dig.core.Bytes32;

/**
 * A handle -> datastore registration, signed by the datastore owner's Ed25519 key.
 *
 * <p>Rules (docs/api.md): a handle is 3..63 characters of {@code [a-z0-9-]}, starting and ending with a
 * letter or digit (a DNS label in lower case, so it can become a sub-domain); tier 1..6; metadata at
 * most 16 entries, keys 1..64 characters of {@code [a-z0-9_.-]}, values at most 256 UTF-8 bytes.
 * The first registration of a handle on this node wins; the same registration again is idempotent.
 *
 * <p>Signed bytes (all integers big-endian):
 * <pre>
 * +--------+----+---------------+----+--------+----+----+------------------------------------------+
 * | "DIGH" | 01 | datastore_id  | hl | handle | tr | mn | mn x (u16 klen, key, u16 vlen, value)    |
 * | 4 B    | u8 | 32 B          | u8 | hl B   | u8 | u8 | entries sorted by key (UTF-8 byte order) |
 * +--------+----+---------------+----+--------+----+----+------------------------------------------+
 * </pre>
 * The owner signs these bytes; the node checks the signature with the owner key of the datastore's
 * stored version.
 */
public record HandleRegistration(String handle, Bytes32 datastoreId, int tier, SortedMap<String, String> metadata) {
    private static final byte[] MAGIC = {'D', 'I', 'G', 'H'};
    private static final int VERSION = 1;
    private static final Pattern HANDLE = Pattern.compile("[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]");
    private static final Pattern KEY = Pattern.compile("[a-z0-9_.-]{1,64}");

    public HandleRegistration {
        Objects.requireNonNull(datastoreId, "datastoreId");
        checkHandle(handle);
        if (tier < 1 || tier > 6) {
            throw new ServiceException(ErrorCode.BAD_TIER, "tier must be within 1..6, got " + tier);
        }
        if (metadata.size() > 16) {
            throw new ServiceException(ErrorCode.BAD_METADATA, "metadata may hold at most 16 entries, got " + metadata.size());
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!KEY.matcher(e.getKey()).matches()) {
                throw new ServiceException(ErrorCode.BAD_METADATA, "metadata key must be 1..64 characters of [a-z0-9_.-]");
            }
            if (e.getValue() == null || e.getValue().getBytes(StandardCharsets.UTF_8).length > 256) {
                throw new ServiceException(ErrorCode.BAD_METADATA, "metadata value of '" + e.getKey() + "' must be a string of at most 256 bytes");
            }
        }
        metadata = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
    }

    public static void checkHandle(String handle) {
        if (handle == null || !HANDLE.matcher(handle).matches()) {
            throw new ServiceException(ErrorCode.BAD_HANDLE,
                    "a handle is 3..63 characters of [a-z0-9-], starting and ending with a letter or digit");
        }
    }

    /** What the owner signs (layout above). */
    public byte[] signingBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(VERSION);
        out.writeBytes(datastoreId.toArray());
        byte[] h = handle.getBytes(StandardCharsets.US_ASCII);
        out.write(h.length);
        out.writeBytes(h);
        out.write(tier);
        out.write(metadata.size());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.writeBytes(b);
    }
}
