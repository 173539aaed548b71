package net.dig.api;

import java.util.Optional;
import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;

/**
 * One satisfiable byte range of a representation of {@code total} bytes: {@code [first, last]}
 * inclusive (RFC 9110 §14). Only single ranges are honoured; a multi-range request is answered with
 * the whole body (RFC 9110 allows a server to ignore {@code Range}).
 */
record ByteRange(long first, long last, long total) {

    long length() {
        return last - first + 1;
    }

    String contentRange() {
        return "bytes " + first + "-" + last + "/" + total;
    }

    /**
     * Parses a {@code Range} header against a body of {@code total} bytes.
     *
     * @return empty if the header is absent, not a {@code bytes} range, a multi-range, or an invalid
     *         range-spec such as {@code bytes=5-2} (serve all, RFC 9110 §14.2)
     * @throws ServiceException 416 if the range cannot be satisfied, 400 if it is malformed
     */
    static Optional<ByteRange> parse(String header, long total) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return Optional.empty();
        }
        String spec = h.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return Optional.empty();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            throw malformed(header);
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (a.isEmpty()) {
            long suffix = number(b, header);
            if (suffix == 0 || total == 0) {
                throw unsatisfiable(total);
            }
            long n = Math.min(suffix, total);
            return Optional.of(new ByteRange(total - n, total - 1, total));
        }
        long first = number(a, header);
        long last = b.isEmpty() ? Long.MAX_VALUE : number(b, header);
        if (last < first) {
            return Optional.empty(); // an invalid range-spec: ignore the header, serve the whole body
        }
        if (first >= total) {
            throw unsatisfiable(total);
        }
        return Optional.of(new ByteRange(first, Math.min(last, total - 1), total));
    }

    private static long number(String s, String header) {
        if (s.isEmpty() || s.length() > 18) {
            throw malformed(header);
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw malformed(header);
            }
        }
        return Long.parseLong(s);
    }

    private static ServiceException malformed(String header) {
        String shown = header.length() > 64 ? header.substring(0, 64) + "..." : header;
        return new ServiceException(ErrorCode.BAD_RANGE, "malformed Range header: " + shown);
    }

    static ServiceException unsatisfiable(long total) {
        return new ServiceException(ErrorCode.RANGE_NOT_SATISFIABLE, "the range is outside the " + total + "-byte body");
    }
}
