package net.dig.api;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;
import net.dig.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every way a request can fail, rendered as the API's one error shape: {@code {"error": code, "message": text}}
 * with the status of the code's {@link ErrorCode} row. Three places need it: the router's failure and status
 * handlers (a typed failure of a route, a status Vert.x chose itself), the HTTP decoder's refusals before any
 * route runs, and request lines whose HTTP version Vert.x would answer itself without a body.
 */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Set on a routing context while the push body handler reads and decodes the multipart body. */
    static final String READING_PUSH_BODY = "dig.reading_push_body";

    private ErrorResponses() {
    }

    /**
     * Requests the HTTP decoder refused before routing (request line or header block too long, not HTTP
     * at all) get the same JSON error body as every other error, then the connection is closed: after a
     * decoder failure the rest of the byte stream cannot be trusted.
     */
    static void invalidRequest(HttpServerRequest req) {
        Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
        ErrorCode code;
        String message;
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
            code = ErrorCode.URI_TOO_LONG;
            message = "the request line is longer than the limit";
        } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
            code = ErrorCode.HEADERS_TOO_LARGE;
            message = "the request header block is larger than the limit";
        } else {
            code = ErrorCode.BAD_REQUEST;
            message = "the request is not valid HTTP/1.x";
        }
        HttpServerResponse r = req.response();
        if (r.headWritten()) {
            ConnectionDeadlines.forceClose(req.connection());
            return;
        }
        r.setStatusCode(code.httpStatus()).putHeader("Content-Type", Http.JSON).putHeader("Connection", "close")
                .end(new JsonObject().put("error", code.jsonCode()).put("message", message).encode())
                .onComplete(v -> ConnectionDeadlines.forceClose(req.connection()));
    }

    /**
     * Vert.x answers a request whose version is neither HTTP/1.0 nor HTTP/1.1 ({@code HTTP/9.9},
     * {@code HTTP/2.0} in an HTTP/1 request line) itself, with 501 and no body, before any handler runs.
     * The connection's request handler is replaced by one that routes HTTP/1.x requests as before and
     * answers the others 400 {@code bad_request} in the JSON error shape, as an HTTP/1.1 response
     * (Vert.x would echo the unknown version in the status line), then closes the connection.
     */
    static void versionGate(HttpConnection conn, Router router) {
        if (conn instanceof io.vertx.core.http.impl.http1.Http1ServerConnection h1) {
            h1.handler(req -> {
                if (req.version() == null) {
                    rawError(conn, ErrorCode.BAD_REQUEST, "unsupported HTTP version: only HTTP/1.0 and HTTP/1.1 are spoken here");
                } else {
                    router.handle(req);
                }
            });
        }
    }

    /** Writes a complete HTTP/1.1 JSON error response straight to the channel, then closes it. */
    private static void rawError(HttpConnection conn, ErrorCode code, String message) {
        if (!(conn instanceof io.vertx.core.net.impl.ConnectionBase base)) {
            conn.close();
            return;
        }
        byte[] body = new JsonObject().put("error", code.jsonCode()).put("message", message).encode()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var response = new io.netty.handler.codec.http.DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpResponseStatus.valueOf(code.httpStatus()), io.netty.buffer.Unpooled.wrappedBuffer(body));
        response.headers().set("Content-Type", Http.JSON).setInt("Content-Length", body.length).set("Connection", "close");
        base.channel().writeAndFlush(response).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }

    static void install(Router r) {
        r.route().failureHandler(ErrorResponses::failure);
        r.errorHandler(404, ctx -> Http.error(ctx.response(), ErrorCode.NOT_FOUND,
                "no such endpoint: " + ctx.request().method() + " " + clip(ctx.request().path())));
        r.errorHandler(405, ctx -> Http.error(ctx.response(), ErrorCode.METHOD_NOT_ALLOWED,
                ctx.request().method() + " is not allowed on " + clip(ctx.request().path())));
        r.errorHandler(413, ctx -> Http.error(ctx.response(), ErrorCode.PAYLOAD_TOO_LARGE, "the request body exceeds the limit"));
        r.errorHandler(500, ctx -> Http.error(ctx.response(), ErrorCode.INTERNAL_ERROR, "internal error"));
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    /**
     * Renders a failed request: a {@link ServiceException} (or a storage failure, typed through the
     * same table) with its row's status and code; a body that is not JSON is 400 {@code bad_json}, a push
     * body the multipart decoder refuses is 400 {@code bad_push}; a client error status Vert.x chose itself
     * is rendered with that status; anything else is a programming error, 500.
     */
    private static void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        var resp = ctx.response();
        if (t instanceof StorageException e) {
            t = ServiceException.of(e);
        }
        if (t instanceof ServiceException e) {
            Http.error(resp, e);
        } else if (t instanceof io.vertx.core.http.HttpClosedException) {
            return; // the client went away; there is no one to answer
        } else if (t instanceof DecodeException) {
            Http.error(resp, ErrorCode.BAD_JSON, "the request body is not valid JSON");
        } else if (t instanceof RuntimeException && !(t instanceof io.vertx.core.VertxException)
                && ctx.get(READING_PUSH_BODY) != null) {
            // the multipart decoder fails on some malformed parts with a bare runtime exception instead
            // of its decoder exception: an IAE (a part named ""), an index error (a Content-Disposition
            // attribute without '='), an NPE (a part without a name); I/O failures are VertxExceptions
            Http.error(resp, ErrorCode.BAD_PUSH, "the multipart body is malformed");
        } else if (t == null || ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            // a status chosen by Vert.x itself (no Host header, a body over the limit), with or without its cause
            int status = ctx.statusCode();
            switch (status) {
                case 413 -> Http.error(resp, ErrorCode.PAYLOAD_TOO_LARGE, "the request body exceeds the limit");
                case 400 -> Http.error(resp, ErrorCode.BAD_REQUEST, t == null || t.getMessage() == null ? "malformed request"
                        : "malformed request: " + clip(t.getMessage()));
                case 404 -> Http.error(resp, ErrorCode.NOT_FOUND, "not found");
                case 405 -> Http.error(resp, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed");
                default -> Http.error(resp, status >= 400 ? status : 500, status >= 500 || status < 400 ? "internal_error"
                        : "bad_request", "request failed with status " + status);
            }
        } else {
            LOG.atError().addKeyValue("component", "api").addKeyValue("event", "request_failed")
                    .addKeyValue("path", clip(ctx.request().path())).setCause(t).log("unexpected failure");
            Http.error(resp, ErrorCode.INTERNAL_ERROR, "internal error (" + t.getClass().getSimpleName() + ")");
        }
    }
}
