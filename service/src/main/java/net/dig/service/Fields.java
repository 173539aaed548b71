package net.dig.service;

import java.util.Locale;
import net.dig.core.Bytes32;

/**
 * The text forms of ids, hashes, keys and indexes that requests carry, parsed strictly; every refusal
 * is a {@link ServiceException} naming the field (400).
 */
public final class Fields {
    private Fields() {
    }

    /** A datastore id: 64 hex digits, {@code 0x} prefix optional, either case. */
    public static Bytes32 datastoreId(String text, String field) {
        if (text == null || text.isEmpty()) {
            throw new ServiceException(ErrorCode.BAD_DATASTORE_ID, field + " is missing");
        }
        String t = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (t.length() != 64) {
            throw new ServiceException(ErrorCode.BAD_DATASTORE_ID,
                    field + " must be 64 hex digits (32 bytes), got " + Math.min(t.length(), 9999) + " characters");
        }
        for (int i = 0; i < 64; i++) {
            if (hexDigit(t.charAt(i)) < 0) {
                throw new ServiceException(ErrorCode.BAD_DATASTORE_ID, field + " is not hexadecimal");
            }
        }
        return Bytes32.fromHex(t.toLowerCase(Locale.ROOT));
    }

    /** A 32-byte hash given as hex, same rules as {@link #datastoreId}, JSON code {@code bad_<field>}. */
    public static Bytes32 hash32(String text, String field) {
        try {
            return datastoreId(text, field);
        } catch (ServiceException e) {
            throw ServiceException.badHex(field, e.getMessage());
        }
    }

    /** A non-negative decimal int without sign or leading zeros (except "0"). */
    public static int capsuleIndex(String text) {
        if (text == null || text.isEmpty() || text.length() > 10
                || (text.length() > 1 && text.charAt(0) == '0')) {
            throw badIndex();
        }
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw badIndex();
            }
            v = v * 10 + (c - '0');
        }
        if (v > Integer.MAX_VALUE) {
            throw badIndex();
        }
        return (int) v;
    }

    private static ServiceException badIndex() {
        return new ServiceException(ErrorCode.BAD_CAPSULE_INDEX, "capsule_index must be a decimal integer 0..2147483647");
    }

    /** Exactly {@code length} bytes as hex ({@code 0x} optional); JSON code {@code bad_<field>}. */
    public static byte[] hexBytes(String text, int length, String field) {
        if (text == null) {
            throw ServiceException.badHex(field, field + " is missing");
        }
        String t = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (t.length() != length * 2) {
            throw ServiceException.badHex(field, field + " must be " + length * 2 + " hex digits");
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            int hi = hexDigit(t.charAt(2 * i));
            int lo = hexDigit(t.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                throw ServiceException.badHex(field, field + " is not hexadecimal");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** The value of an ASCII hex digit, or -1 (also for the other scripts' digits that {@link Character#digit} accepts). */
    static int hexDigit(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }
}
