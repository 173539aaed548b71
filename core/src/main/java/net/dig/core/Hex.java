package net.dig.core;

import java.util.HexFormat;

/**
 * Hex text as it appears on every text surface of the node: {@code 0x}-prefixed, lowercase.
 *
 * <p>Parsing accepts the prefix or not and either case, and rejects anything else with an
 * {@link IllegalArgumentException} whose message says what was wrong, so that CLI and HTTP layers can
 * pass it straight to the user.
 */
public final class Hex {
    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {}

    /** {@code 0x} followed by two lowercase hex digits per byte. */
    public static String encode(byte[] bytes) {
        return "0x" + LOWER.formatHex(bytes);
    }

    /** Lowercase hex digits without a prefix. */
    public static String encodePlain(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }

    /** Parses hex text with or without {@code 0x}; any length, even digit count. */
    public static byte[] decode(CharSequence text) {
        if (text == null) {
            throw new IllegalArgumentException("hex value is missing");
        }
        String s = text.toString();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        if ((s.length() & 1) != 0) {
            throw new IllegalArgumentException("hex value has an odd number of digits: " + abbreviate(text));
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                throw new IllegalArgumentException(
                        "hex value has a non-hex character at position " + i + ": " + abbreviate(text));
            }
        }
        return LOWER.parseHex(s);
    }

    /** Parses hex text that must decode to exactly {@code length} bytes. */
    public static byte[] decode(CharSequence text, int length) {
        byte[] bytes = decode(text);
        if (bytes.length != length) {
            throw new IllegalArgumentException(
                    "expected " + length + " bytes (" + (2 * length) + " hex digits) but got " + bytes.length
                            + ": " + abbreviate(text));
        }
        return bytes;
    }

    static String abbreviate(CharSequence text) {
        return text.length() <= 80 ? "'" + text + "'" : "'" + text.subSequence(0, 77) + "...'";
    }
}
