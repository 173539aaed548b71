package net.dig.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.dig.service.ErrorCode;

/**
 * The API listener's request deadlines, one per connection, and the two ways the API closes a connection.
 *
 * <h2>What</h2>
 * From the moment a connection is opened or its previous response ended, a complete request (headers and
 * body) must arrive within the request timeout ({@code push}: the push timeout once a push's headers are in),
 * else the client gets 408 {@code request_timeout} and the connection is closed. This bounds slowloris-style
 * clients that trickle headers or bodies without ever being idle, which the idle timeout alone cannot.
 *
 * <h2>Concurrency</h2>
 * A deadline is armed, cancelled and fired on its connection's event loop (Vert.x timers run on the loop
 * that set them); the map from connection to deadline is concurrent because the loops share this object.
 */
final class ConnectionDeadlines {
    private final Vertx vertx;
    private final Duration requestTimeout;
    private final Duration pushTimeout;
    private final Map<HttpConnection, Deadline> deadlines = new ConcurrentHashMap<>();

    ConnectionDeadlines(Vertx vertx, Duration requestTimeout, Duration pushTimeout) {
        this.vertx = vertx;
        this.requestTimeout = requestTimeout;
        this.pushTimeout = pushTimeout;
    }

    /** Starts the first request's deadline of a new connection and forgets it when the connection closes. */
    void opened(HttpConnection conn) {
        Deadline d = new Deadline(conn);
        deadlines.put(conn, d);
        conn.closeHandler(v -> {
            d.cancel();
            deadlines.remove(conn);
        });
        d.arm(requestTimeout.toMillis(), null);
    }

    /**
     * A request's headers are in: its body must arrive within its own deadline (a push's is longer), and
     * the deadline stops once the request is whole. Returns what to run once its answer has ended: it
     * starts the next request's deadline on a connection still open.
     */
    Runnable requestStarted(HttpServerRequest req) {
        Deadline d = deadlines.get(req.connection());
        if (d == null) {
            return () -> { };
        }
        if (req.isEnded()) {
            d.cancel();
        } else {
            boolean push = req.path().equals("/datastore/push");
            long armed = d.arm((push ? pushTimeout : requestTimeout).toMillis(), req);
            req.end().onComplete(v -> d.cancel(armed));
        }
        return () -> {
            if (!req.response().closed()) {
                d.arm(requestTimeout.toMillis(), null);
            }
        };
    }

    private final class Deadline {
        private final HttpConnection conn;
        private long timer = -1;

        Deadline(HttpConnection conn) {
            this.conn = conn;
        }

        /** Arms the deadline; returns its timer id, for {@link #cancel(long)}. */
        long arm(long millis, HttpServerRequest req) {
            cancel();
            timer = vertx.setTimer(millis, id -> expire(req));
            return timer;
        }

        /** Cancels the deadline only if it is still the one armed as {@code id}. */
        void cancel(long id) {
            if (timer == id) {
                cancel();
            }
        }

        void cancel() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        private void expire(HttpServerRequest req) {
            timer = -1;
            if (req != null && !req.response().headWritten()) {
                req.response().setStatusCode(ErrorCode.REQUEST_TIMEOUT.httpStatus()).putHeader("Content-Type", Http.JSON)
                        .putHeader("Connection", "close")
                        .end(new JsonObject().put("error", ErrorCode.REQUEST_TIMEOUT.jsonCode())
                                .put("message", "the request did not arrive within the deadline").encode())
                        .onComplete(v -> forceClose(conn));
            } else {
                forceClose(conn);
            }
        }
    }

    /**
     * Closes a connection whose answer has been written while the client may still be sending a body
     * that will not be read: the output is shut down first (the client sees the end of the answer), what
     * still arrives is read and dropped, and the connection is closed when the client closes it or after
     * {@code lingerMillis}. Closing at once with unread bytes would make the kernel reset the connection,
     * and a client still sending would lose the answer.
     */
    static void closeAfterAnswer(HttpConnection conn, Vertx vertx, long lingerMillis) {
        if (conn instanceof io.vertx.core.net.impl.ConnectionBase base
                && base.channel() instanceof io.netty.channel.socket.DuplexChannel ch) {
            ch.shutdownOutput().addListener(done -> vertx.setTimer(lingerMillis, id -> ch.close()));
        } else {
            forceClose(conn);
        }
    }

    /**
     * Closes the TCP connection now. {@link HttpConnection#close()} is graceful on HTTP/1.x and waits for
     * a request that is still being received, which is exactly what a slow client never finishes; the
     * Netty channel of Vert.x's connection implementation is closed instead when available.
     */
    static void forceClose(HttpConnection conn) {
        if (conn instanceof io.vertx.core.net.impl.ConnectionBase base) {
            base.channel().close();
        } else {
            conn.close();
        }
    }
}
