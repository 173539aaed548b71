package net.dig.storage;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Hashes (and optionally compresses) capsules on every core while one thread reads them and the calling
 * thread writes them, in order.
 *
 * <pre>
 *   reader thread --read i--> workers (hash + zstd) --futures in a bounded queue, in order--> caller writes
 * </pre>
 * The queue of futures has {@code depth} slots, so at most {@code depth + 2} capsules are in memory
 * (depth queued or being hashed, one being read, one being written): no unbounded queue. Any failure
 * (reading, hashing, writing) stops the reader, cancels outstanding work and is rethrown by
 * {@link #run}; the caller then abandons the plot.
 */
final class CapsulePipeline {
    /** Supplies capsule {@code i}; called on the reader thread, in index order. */
    interface Reader {
        byte[] read(int index) throws IOException;
    }

    /** Consumes processed capsules on the calling thread, in index order. */
    interface Writer {
        void write(Processed capsule) throws IOException;
    }

    record Processed(int index, byte[] raw, int size, CapsuleHashes hashes, CapsuleCodec.Encoded encoded) {}

    private final ExecutorService workers;
    private final int depth;

    CapsulePipeline(ExecutorService workers, int depth) {
        this.workers = workers;
        this.depth = Math.max(1, depth);
    }

    void run(int count, Reader reader, Compression compression, Writer writer) throws IOException {
        BlockingQueue<Future<Processed>> queue = new ArrayBlockingQueue<>(depth);
        Thread readerThread = Thread.ofPlatform().name("dig-ingest-reader").daemon().unstarted(() -> {
            try {
                for (int i = 0; i < count && !Thread.currentThread().isInterrupted(); i++) {
                    final int index = i;
                    byte[] raw;
                    try {
                        raw = reader.read(index);
                    } catch (IOException | RuntimeException e) {
                        queue.put(CompletableFuture.failedFuture(e));
                        return;
                    }
                    Future<Processed> hashed;
                    try {
                        hashed = workers.submit(() -> process(index, raw, compression));
                    } catch (RuntimeException e) {
                        hashed = CompletableFuture.failedFuture(e);
                    }
                    queue.put(hashed);
                    if (hashed.isDone() && hashed.state() == Future.State.FAILED) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        readerThread.start();
        boolean ok = false;
        try {
            for (int i = 0; i < count; i++) {
                Future<Processed> f = queue.take();
                writer.write(f.get());
            }
            ok = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing capsules", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        } catch (CancellationException e) {
            throw new IOException("capsule processing was cancelled", e);
        } finally {
            if (!ok) {
                readerThread.interrupt();
            }
            try {
                readerThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Future<Processed> f : queue) {
                f.cancel(true);
            }
        }
    }

    static Processed process(int index, byte[] raw, Compression compression) {
        int size = raw.length;
        CapsuleHashes hashes = CapsuleHashes.of(raw, size);
        return new Processed(index, raw, size, hashes, CapsuleCodec.encode(raw, size, compression));
    }
}
