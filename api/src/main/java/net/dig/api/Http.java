package net.dig.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import net.dig.core.Bytes32;
import net.dig.service.ErrorCode;
import net.dig.service.Fields;
import net.dig.service.ServiceException;

/** Parsing of path/body values and writing of JSON answers, shared by the route classes. */
final class Http {
    static final String JSON = "application/json";
    private static final int WRITE_PIECE = 1 << 20;

    private Http() {
    }

    /** A datastore id: 64 hex digits, {@code 0x} prefix optional, either case ({@link Fields#datastoreId}). */
    static Bytes32 datastoreId(String text, String field) {
        return Fields.datastoreId(text, field);
    }

    /** A 32-byte hash given as hex, JSON code {@code bad_<field>} ({@link Fields#hash32}). */
    static Bytes32 hash32(String text, String field) {
        return Fields.hash32(text, field);
    }

    /** A non-negative decimal int without sign or leading zeros ({@link Fields#capsuleIndex}). */
    static int capsuleIndex(String text) {
        return Fields.capsuleIndex(text);
    }

    static byte[] hexBytes(String text, int length, String field) {
        return Fields.hexBytes(text, length, field);
    }

    static JsonObject jsonBody(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw new ServiceException(ErrorCode.BAD_JSON, "the request body must be a JSON object");
        }
        try {
            Object parsed = io.vertx.core.json.Json.decodeValue(body);
            if (parsed instanceof JsonObject o) {
                return o;
            }
        } catch (DecodeException e) {
            throw new ServiceException(ErrorCode.BAD_JSON, "the request body is not valid JSON");
        }
        throw new ServiceException(ErrorCode.BAD_JSON, "the request body must be a JSON object");
    }

    static String string(JsonObject o, String field, boolean required) {
        Object v = o.getValue(field);
        if (v == null) {
            if (required) {
                throw new ServiceException(ErrorCode.MISSING_FIELD, "field '" + field + "' is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "field '" + field + "' must be a string");
        }
        return s;
    }

    static long number(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (!(v instanceof Number n) || n instanceof Double || n instanceof Float) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "field '" + field + "' must be an integer");
        }
        return n.longValue();
    }

    static JsonArray array(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (!(v instanceof JsonArray a)) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "field '" + field + "' must be an array");
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

    static void error(HttpServerResponse r, ErrorCode code, String message) {
        error(r, code.httpStatus(), code.jsonCode(), message);
    }

    /** A typed failure with its row's status and code, and its {@code Retry-After} if it has one; completes once written. */
    static Future<Void> error(HttpServerResponse r, ServiceException e) {
        if (e.retryAfterSeconds() > 0 && !r.headWritten()) {
            r.putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        return error(r, e.code().httpStatus(), e.jsonCode(), e.getMessage());
    }

    /** Writes the JSON error body; completes once written (at once if an answer had begun: then the stream is reset). */
    static Future<Void> error(HttpServerResponse r, int status, String code, String message) {
        if (r.headWritten()) {
            r.reset();
            return Future.succeededFuture();
        }
        return r.setStatusCode(status).putHeader("Content-Type", JSON)
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
