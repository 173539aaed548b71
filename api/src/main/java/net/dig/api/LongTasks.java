package net.dig.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;

/**
 * The pool for long work ({@code POST /datastore/push} commits, {@code POST /plot/create}): a Vert.x
 * named worker pool of {@link #capacity()} threads, apart from the shared workers that serve
 * {@code /health}, metadata lookups and cache fills, so minutes of plotting can never starve those.
 *
 * <p>Bounded with no queue: a task is admitted only while a slot is free; otherwise it fails at once with
 * 503 {@code busy} and {@code Retry-After} (a queued push would hold its spooled upload and its client for
 * an unknown time). Slots are semaphore permits, released when the task ends either way.
 */
final class LongTasks {
    private final WorkerExecutor executor;
    private final Semaphore slots;
    private final int capacity;

    LongTasks(Vertx vertx, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("long task capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.slots = new Semaphore(capacity);
        this.executor = vertx.createSharedWorkerExecutor("dig-api-long", capacity, 30, TimeUnit.MINUTES);
    }

    int capacity() {
        return capacity;
    }

    /** Whether a task submitted now would be refused (an early, racy check for admission before a body is read). */
    boolean full() {
        return slots.availablePermits() == 0;
    }

    /** Runs {@code work} on the long pool, or fails with 503 {@code busy} if every slot is taken. */
    <T> Future<T> submit(String what, Callable<T> work) {
        if (!slots.tryAcquire()) {
            return Future.failedFuture(busy(what));
        }
        try {
            return executor.<T>executeBlocking(work, false).andThen(ar -> slots.release());
        } catch (RuntimeException e) {
            slots.release();
            return Future.failedFuture(e);
        }
    }

    ServiceException busy(String what) {
        return new ServiceException(ErrorCode.BUSY, "all " + capacity + " long-task slots are busy; " + what
                + " cannot start now, retry later");
    }
}
