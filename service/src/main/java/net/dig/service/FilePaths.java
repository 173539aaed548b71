package net.dig.service;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Paths of files inside a directory datastore, as they appear in URLs ({@code /datastore/{id}/file/{path}}).
 *
 * <p>Traversal is impossible by construction: a path is only ever a key looked up in the datastore's
 * file table, never resolved against a file system. On top of that, a path is refused (400) unless it
 * is relative, made of '/'-separated segments none of which is empty, "." or "..", and free of
 * backslashes and control characters - both before and after percent-decoding, so encoded dots and
 * slashes cannot smuggle anything.
 */
public final class FilePaths {
    public static final int MAX_PATH = 4096;

    private FilePaths() {
    }

    /** Percent-decodes a raw URL path tail, then {@link #check}s it; 400 when malformed or unsafe. */
    public static String fromUrl(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_PATH * 3) {
            throw new ServiceException(ErrorCode.BAD_PATH, "a file path is required (at most " + MAX_PATH + " bytes)");
        }
        if (check(raw) == null) {
            throw unsafe();
        }
        String decoded = decode(raw);
        if (check(decoded) == null) {
            throw unsafe();
        }
        return decoded;
    }

    /** The path itself if it is a safe relative path, else null. */
    public static String check(String p) {
        if (p == null || p.isEmpty() || p.length() > MAX_PATH || p.charAt(0) == '/') {
            return null;
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return null;
            }
        }
        for (String seg : p.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                return null;
            }
        }
        return p;
    }

    private static String decode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw unsafe();
                }
                int hi = Fields.hexDigit(raw.charAt(i + 1));
                int lo = Fields.hexDigit(raw.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    throw unsafe();
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw unsafe();
        }
    }

    private static ServiceException unsafe() {
        return new ServiceException(ErrorCode.BAD_PATH,
                "file paths are relative, '/'-separated, without empty, '.' or '..' segments, backslashes or control characters");
    }
}
