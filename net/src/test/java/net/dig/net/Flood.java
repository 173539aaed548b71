package net.dig.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An attacker for admission tests: one thread that keeps {@code hold} raw TCP connections open from the
 * given loopback sources and keeps replacing the oldest with a new one (each new connection from the next
 * source in turn), {@code perSecond} new connections a second, until closed. It never sends a byte. (The
 * pace only shapes the attack; no assertion depends on time.)
 */
final class Flood implements AutoCloseable {
    private final InetSocketAddress target;
    private final List<String> sources;
    private final int hold;
    private final int perSecond;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong connects = new AtomicLong();
    private final Deque<Socket> held = new ArrayDeque<>();
    private final Thread thread;

    Flood(InetSocketAddress target, List<String> sources, int hold, int perSecond) {
        this.target = target;
        this.sources = List.copyOf(sources);
        this.hold = hold;
        this.perSecond = perSecond;
        this.thread = Thread.ofPlatform().daemon().name("flood").start(this::run);
    }

    private void run() {
        long i = 0;
        long start = System.nanoTime();
        while (running.get()) {
            long due = start + i * 1_000_000_000L / perSecond;
            java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
            Socket s = new Socket();
            try {
                s.bind(new InetSocketAddress(sources.get((int) (i++ % sources.size())), 0));
                s.connect(target, 5_000);
                connects.incrementAndGet();
                held.addLast(s);
            } catch (IOException e) {
                closeQuietly(s);
            }
            while (held.size() > hold) {
                closeQuietly(held.removeFirst());
            }
        }
        held.forEach(Flood::closeQuietly);
    }

    /** Connections opened so far. */
    long connects() {
        return connects.get();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing an attacker socket: nothing to do
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}
