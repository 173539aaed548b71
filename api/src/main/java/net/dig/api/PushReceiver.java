package net.dig.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;

/**
 * Receives the multipart body of {@code POST /datastore/push} into the {@link PushSpool} and hands the
 * route a {@link Received} push whose files are on disk; in place of Vert.x's body handler, which waits
 * forever for a part whose end never comes and leaves its files behind.
 *
 * <h2>What it guarantees</h2>
 * Every push ends in exactly one of: handed to the route (which {@linkplain Received#close() closes} it
 * when the push is answered), or refused, with its request directory deleted and its spool booking
 * returned before the answer is written. Refusals:
 * <ul>
 * <li>not {@code multipart/form-data} with a boundary: 400 {@code bad_push}, nothing read;</li>
 * <li>a declared length over {@code pushBodyLimit}, or over what the spool can ever hold: 413; the
 *     client's share of the spool taken: 429 {@code spool_quota_exceeded}; the whole spool taken: 507
 *     {@code spool_full} (both with {@code Retry-After}), nothing read. A body of unknown length is booked
 *     as it arrives and refused the same way the moment it passes a bound;</li>
 * <li>a body that ends without its close delimiter ({@code --boundary--}, optionally followed by a line
 *     break: no epilogue), or inside a part: 400 {@code bad_push};</li>
 * <li>a malformed body the multipart decoder rejects: 400 {@code bad_push} (a form field over the limit: 413);</li>
 * <li>nothing moving (no byte from the client, none written to disk) for {@link PushLimits#idleTimeout()}
 *     (checked every idle period, so refused after one to two of them): 408 while the body is still
 *     arriving, 400 {@code bad_push} once it has ended (it ended inside a part);</li>
 * <li>the client gone, or the request deadline expired: no answer, the same cleanup.</li>
 * </ul>
 * A refusal before the body has ended closes the connection: the rest of the stream is not read.
 *
 * <h2>Concurrency</h2>
 * A receipt is confined to its request's event loop (request, upload, file and timer callbacks all run
 * there); files are written with Vert.x's asynchronous file system, never blocking the loop. Only
 * {@link Received#close()} may be called from another thread (the long-task pool) and is idempotent.
 */
final class PushReceiver implements Handler<RoutingContext> {
    /** The routing-context key of the {@link Received} push. */
    static final String KEY = "dig.push";

    private final ApiContext c;
    private final PushSpool spool;

    PushReceiver(ApiContext c, PushSpool spool) {
        this.c = c;
        this.spool = spool;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        byte[] boundary = boundary(req.getHeader("Content-Type"));
        long declared = contentLength(req.getHeader("Content-Length"));
        if (declared > c.config().pushBodyLimit()) {
            throw new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "the push body (" + declared
                    + " bytes) exceeds pushBodyLimit (" + c.config().pushBodyLimit() + " bytes)");
        }
        List<String> keys = new ArrayList<>(2);
        keys.add("ip:" + ApiContext.clientKey(ctx));
        String apiKey = c.apiKey(ctx);
        if (apiKey.startsWith("key:")) {
            keys.add(apiKey);
        }
        PushSpool.Reservation booking = spool.reserve(keys, Math.max(0, declared));
        new Receipt(ctx, boundary, booking).start();
    }

    /** The boundary of a {@code multipart/form-data} content type, as the bytes of {@code --boundary--}. */
    static byte[] boundary(String contentType) {
        String ct = contentType == null ? "" : contentType;
        String[] params = ct.split(";");
        if (!params[0].strip().toLowerCase(Locale.ROOT).equals("multipart/form-data")) {
            throw new ServiceException(ErrorCode.BAD_PUSH, "a push is multipart/form-data (got '" + clip(params[0].strip()) + "')");
        }
        for (int i = 1; i < params.length; i++) {
            String p = params[i].strip();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String b = p.substring(9);
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                if (!b.isEmpty() && b.length() <= 70) {
                    return ("--" + b + "--").getBytes(StandardCharsets.ISO_8859_1);
                }
            }
        }
        throw new ServiceException(ErrorCode.BAD_PUSH, "the multipart/form-data content type has no valid boundary");
    }

    private static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            throw new ServiceException(ErrorCode.BAD_REQUEST, "Content-Length is not a number");
        }
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** A push body on disk: its form fields and its file parts, in arrival order. */
    static final class Received {
        /** One file part: its form name and where its bytes are. */
        record Part(String name, Path path) {
        }

        private final MultiMap fields;
        private final List<Part> parts;
        private final Receipt receipt;

        private Received(MultiMap fields, List<Part> parts, Receipt receipt) {
            this.fields = fields;
            this.parts = List.copyOf(parts);
            this.receipt = receipt;
        }

        /** A form field's value, or {@code null}. */
        String field(String name) {
            return fields.get(name);
        }

        List<Part> parts() {
            return parts;
        }

        /** Deletes the files and returns the spool booking; completes once they are gone. Idempotent, any thread. */
        Future<Void> close() {
            return receipt.cleanup();
        }
    }

    /** The state of one push body being received. */
    private final class Receipt {
        private final RoutingContext ctx;
        private final HttpServerRequest req;
        private final HttpConnection conn;
        private final FileSystem fs;
        private final io.vertx.core.Context loop;
        private final byte[] close;
        private final byte[] tail;
        private final PushSpool.Reservation booking;
        private final Path dir;
        private final List<Upload> uploads = new ArrayList<>();
        private final AtomicBoolean cleaned = new AtomicBoolean();
        private final Promise<Void> gone = Promise.promise();
        private Future<Void> dirReady;
        private int tailLength;
        private long received;
        private long progress;
        private long progressSeen = -1;
        private long timer = -1;
        private boolean bodyEnded;
        private boolean finished;

        Receipt(RoutingContext ctx, byte[] close, PushSpool.Reservation booking) {
            this.ctx = ctx;
            this.req = ctx.request();
            this.conn = req.connection();
            this.fs = c.vertx().fileSystem();
            this.close = close;
            this.tail = new byte[close.length + 3];
            this.loop = c.vertx().getOrCreateContext();
            this.booking = booking;
            this.dir = spool.nextRequestDir();
        }

        void start() {
            dirReady = fs.mkdirs(dir.toString());
            // the response's end, its failure or the connection's close: a refusal reported by the request in the
            // same turn (a decoder failure reaches the response first) must win, so the silent end runs after it
            ctx.addEndHandler(ar -> loop.runOnContext(v -> refuse(null)));
            req.setExpectMultipart(true);
            req.uploadHandler(u -> {
                if (!finished) {
                    uploads.add(new Upload(u, dir.resolve(Integer.toString(uploads.size()))));
                }
            });
            req.handler(this::data);
            req.exceptionHandler(this::decoderFailed);
            req.endHandler(v -> bodyEnded());
            long idle = c.config().push().idleTimeout().toMillis();
            timer = c.vertx().setPeriodic(idle, idle, id -> idleCheck());
            if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
                ctx.response().writeContinue();
            }
            req.resume();
        }

        private void data(Buffer b) {
            if (finished) {
                return;
            }
            progress++;
            received += b.length();
            keepTail(b);
            if (received > c.config().pushBodyLimit()) {
                refuse(new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "the push body exceeds pushBodyLimit ("
                        + c.config().pushBodyLimit() + " bytes)"));
                return;
            }
            try {
                booking.ensure(received);
            } catch (ServiceException e) {
                refuse(e);
            }
        }

        private void keepTail(Buffer b) {
            int n = b.length();
            if (n >= tail.length) {
                b.getBytes(n - tail.length, n, tail, 0);
                tailLength = tail.length;
            } else {
                int keep = Math.min(tailLength, tail.length - n);
                System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                b.getBytes(0, n, tail, keep);
                tailLength = keep + n;
            }
        }

        /** Whether the body ends with the close delimiter, at its start or after a line break, then at most CRLF. */
        private boolean closedProperly() {
            int end = tailLength;
            if (end > 0 && tail[end - 1] == '\n') {
                end--;
                if (end > 0 && tail[end - 1] == '\r') {
                    end--;
                }
            }
            int start = end - close.length;
            if (start < 0 || !java.util.Arrays.equals(tail, start, end, close, 0, close.length)) {
                return false;
            }
            // the delimiter opens the body, or follows a line break (else it is part of a part's bytes)
            return received - (tailLength - start) == 0 || (start > 0 && tail[start - 1] == '\n');
        }

        private void decoderFailed(Throwable t) {
            if (t instanceof io.vertx.core.http.HttpClosedException) {
                refuse(null);
            } else if (t instanceof io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.TooLongFormFieldException) {
                refuse(new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "a form field of the push is longer than the limit"));
            } else {
                refuse(new ServiceException(ErrorCode.BAD_PUSH, "the multipart body is malformed"));
            }
        }

        private void bodyEnded() {
            if (finished) {
                return;
            }
            bodyEnded = true;
            progress++;
            if (!closedProperly()) {
                refuse(new ServiceException(ErrorCode.BAD_PUSH,
                        "the push body ended without its closing boundary (truncated upload)"));
                return;
            }
            handOffIfDone();
        }

        private void handOffIfDone() {
            if (finished || !bodyEnded) {
                return;
            }
            for (Upload u : uploads) {
                if (!u.stored) {
                    return;
                }
            }
            finished = true;
            cancelTimer();
            List<Received.Part> parts = new ArrayList<>();
            for (Upload u : uploads) {
                parts.add(new Received.Part(u.name, u.path));
            }
            ctx.put(KEY, new Received(req.formAttributes(), parts, this));
            ctx.next();
        }

        private void idleCheck() {
            if (finished) {
                cancelTimer();
                return;
            }
            if (progress != progressSeen) {
                progressSeen = progress;
                return;
            }
            long idle = c.config().push().idleTimeout().toMillis();
            if (!bodyEnded) {
                refuse(new ServiceException(ErrorCode.REQUEST_TIMEOUT, "no byte of the push body arrived for "
                        + idle + " ms (stalled upload)"));
            } else {
                refuse(new ServiceException(ErrorCode.BAD_PUSH, "the push body ended inside a part"));
            }
        }

        private void cancelTimer() {
            if (timer >= 0) {
                c.vertx().cancelTimer(timer);
                timer = -1;
            }
        }

        /**
         * Ends a receipt that is not handed off: files closed and deleted, booking returned, then the
         * refusal answered ({@code null}: no answer, the client is gone or was answered already).
         */
        private void refuse(ServiceException e) {
            if (finished) {
                return;
            }
            finished = true;
            cancelTimer();
            boolean bodyDone = req.isEnded();
            if (!bodyDone) {
                // what still arrives is dropped (the handlers see finished), never left unread behind a paused upload
                for (Upload u : uploads) {
                    u.upload.resume();
                }
                req.resume();
            }
            cleanup().onComplete(v -> {
                var resp = ctx.response();
                if (e == null || resp.headWritten() || resp.closed()) {
                    return;
                }
                if (!bodyDone) {
                    resp.putHeader("Connection", "close");
                }
                Http.error(resp, e).onComplete(w -> {
                    if (!bodyDone) {
                        ConnectionDeadlines.closeAfterAnswer(conn, c.vertx(), c.config().push().idleTimeout().toMillis());
                    }
                });
            });
        }

        /** Closes every part's file, deletes the request directory, returns the booking; once. */
        Future<Void> cleanup() {
            if (cleaned.compareAndSet(false, true)) {
                loop.runOnContext(v -> {
                    List<Future<Void>> closing = new ArrayList<>();
                    for (Upload u : uploads) {
                        closing.add(u.release());
                    }
                    Future.join(closing).transform(ar -> dirReady.transform(d -> Future.<Void>succeededFuture()))
                            .compose(ar -> fs.deleteRecursive(dir.toString()).otherwiseEmpty())
                            .onComplete(ar -> {
                                booking.release();
                                gone.complete();
                            });
                });
            }
            return gone.future();
        }

        /** One file part streamed into its spool file, with the client's pace (the upload pauses while the file's queue is full). */
        private final class Upload {
            final String name;
            final Path path;
            final HttpServerFileUpload upload;
            final Future<AsyncFile> file;
            boolean stored;

            Upload(HttpServerFileUpload upload, Path path) {
                this.name = upload.name();
                this.path = path;
                this.upload = upload;
                upload.pause();
                upload.handler(this::data);
                upload.endHandler(v -> ended());
                upload.exceptionHandler(t -> decoderFailed(t));
                this.file = dirReady.compose(v -> fs.open(path.toString(), new OpenOptions().setWrite(true).setCreateNew(true)));
                file.onComplete(ar -> {
                    if (ar.failed()) {
                        refuse(new ServiceException(ErrorCode.UNAVAILABLE, "cannot write the push spool"));
                    } else if (!finished) {
                        upload.resume();
                    }
                });
            }

            private void data(Buffer b) {
                if (finished) {
                    return;
                }
                AsyncFile f = file.result();
                f.write(b).onComplete(ar -> {
                    progress++;
                    if (ar.failed()) {
                        refuse(new ServiceException(ErrorCode.UNAVAILABLE, "cannot write the push spool"));
                    }
                });
                if (f.writeQueueFull()) {
                    upload.pause();
                    f.drainHandler(v -> upload.resume());
                }
            }

            private void ended() {
                if (finished) {
                    return;
                }
                file.result().end().onComplete(ar -> {
                    progress++;
                    if (ar.failed()) {
                        refuse(new ServiceException(ErrorCode.UNAVAILABLE, "cannot write the push spool"));
                    } else {
                        stored = true;
                        handOffIfDone();
                    }
                });
            }

            /** Closes the file if it is open; completes when it is (a failure to close is not an error here). */
            Future<Void> release() {
                return file.transform(ar -> ar.succeeded() && !stored ? ar.result().close().otherwiseEmpty()
                        : Future.<Void>succeededFuture());
            }
        }
    }
}
