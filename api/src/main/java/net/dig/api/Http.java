package net.dig.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Locale;
import net.dig.core.Bytes32;

/** Parsing of path/body values and writing of JSON answers, shared by the route classes. */
final class Http {
    static final String JSON = "application/json";
    private static final int WRITE_PIECE = 1 << 20;

    private Http() {
    }

    /** A datastore id: 64 hex digits, {@code 0x} prefix optional, either case. */
    static Bytes32 datastoreId(String text, String field) {
        if (text == null || text.isEmpty()) {
            throw ApiException.badRequest("bad_datastore_id", field + " is missing");
        }
        String t = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (t.length() != 64) {
            throw ApiException.badRequest("bad_datastore_id",
                    field + " must be 64 hex digits (32 bytes), got " + Math.min(t.length(), 9999) + " characters");
        }
        for (int i = 0; i < 64; i++) {
            if (Character.digit(t.charAt(i), 16) < 0) {
                throw ApiException.badRequest("bad_datastore_id", field + " is not hexadecimal");
            }
        }
        return Bytes32.fromHex(t.toLowerCase(Locale.ROOT));
    }

    /** A 32-byte hash given as hex, same rules as {@link #datastoreId} with its own error code. */
    static Bytes32 hash32(String text, String field) {
        try {
            return datastoreId(text, field);
        } catch (ApiException e) {
            throw ApiException.badRequest("bad_" + field, e.getMessage());
        }
    }

    /** A non-negative decimal int without sign or leading zeros (except "0"). */
    static int capsuleIndex(String text) {
        if (text == null || text.isEmpty() || text.length() > 10
                || (text.length() > 1 && text.charAt(0) == '0')) {
            throw ApiException.badRequest("bad_capsule_index", "capsule_index must be a decimal integer 0..2147483647");
        }
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw ApiException.badRequest("bad_capsule_index", "capsule_index must be a decimal integer 0..2147483647");
            }
            v = v * 10 + (c - '0');
        }
        if (v > Integer.MAX_VALUE) {
            throw ApiException.badRequest("bad_capsule_index", "capsule_index must be a decimal integer 0..2147483647");
        }
        return (int) v;
    }

    static byte[] hexBytes(String text, int length, String field) {
        if (text == null) {
            throw ApiException.badRequest("bad_" + field, field + " is missing");
        }
        String t = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (t.length() != length * 2) {
            throw ApiException.badRequest("bad_" + field, field + " must be " + length * 2 + " hex digits");
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            int hi = Character.digit(t.charAt(2 * i), 16);
            int lo = Character.digit(t.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw ApiException.badRequest("bad_" + field, field + " is not hexadecimal");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    static JsonObject jsonBody(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ApiException.badRequest("bad_json", "the request body must be a JSON object");
        }
        try {
            Object parsed = io.vertx.core.json.Json.decodeValue(body);
            if (parsed instanceof JsonObject o) {
                return o;
            }
        } catch (DecodeException e) {
            throw ApiException.badRequest("bad_json", "the request body is not valid JSON");
        }
        throw ApiException.badRequest("bad_json", "the request body must be a JSON object");
    }

    static String string(JsonObject o, String field, boolean required) {
        Object v = o.getValue(field);
        if (v == null) {
            if (required) {
                throw ApiException.badRequest("missing_field", "field '" + field + "' is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw ApiException.badRequest("bad_field", "field '" + field + "' must be a string");
        }
        return s;
    }

    static long number(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (!(v instanceof Number n) || n instanceof Double || n instanceof Float) {
            throw ApiException.badRequest("bad_field", "field '" + field + "' must be an integer");
        }
        return n.longValue();
    }

    static JsonArray array(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (!(v instanceof JsonArray a)) {
            throw ApiException.badRequest("bad_field", "field '" + field + "' must be an array");
        }
        return a;
    }

    static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    static void json(RoutingContext ctx, int status, Object body) {
        HttpServerResponse r = ctx.response();
        if (r.headWritten()) {
            return;
        }
        String text = body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode();
        r.setStatusCode(status).putHeader("Content-Type", JSON).end(text);
    }

    static void error(HttpServerResponse r, int status, String code, String message) {
        if (r.headWritten()) {
            r.reset();
            return;
        }
        r.setStatusCode(status).putHeader("Content-Type", JSON)
                .end(new JsonObject().put("error", code).put("message", message).encode());
    }

    /**
     * Writes {@code len} bytes of {@code bytes} in 1 MiB pieces, waiting for the socket to drain between
     * pieces (so a slow reader never makes the server queue a whole capsule twice), then ends nothing.
     */
    static Future<Void> writeBytes(HttpServerResponse r, byte[] bytes, int off, int len) {
        if (len <= 0 || r.closed()) {
            return Future.succeededFuture();
        }
        int n = Math.min(len, WRITE_PIECE);
        Future<Void> written = r.write(Buffer.buffer().appendBytes(bytes, off, n));
        if (len == n) {
            return written;
        }
        if (r.writeQueueFull()) {
            io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
            r.drainHandler(v -> drained.tryComplete());
            r.closeHandler(v -> drained.tryFail("connection closed"));
            return drained.future().compose(v -> writeBytes(r, bytes, off + n, len - n));
        }
        return writeBytes(r, bytes, off + n, len - n);
    }
}
