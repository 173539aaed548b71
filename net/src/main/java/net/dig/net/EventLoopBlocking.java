package net.dig.net;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check that no Netty event loop runs a blocking call of ours: every place in dig-net that blocks (name
 * resolution, file writes, waiting for another thread) calls {@link #check} first. On an event loop thread,
 * which Netty marks itself (the loop's thread has its executor in {@link ThreadExecutorMap}, whoever made
 * the group), the call is counted, logged and reported to the installed {@link Detector}; elsewhere it costs
 * one thread-local read.
 *
 * <p>Why our own hooks and not an agent: a byte-code agent rewriting the JDK's blocking methods is one more
 * moving part for every JVM release; the points where this code blocks are few and named here.
 *
 * <p>Thread-safe. The detector is process-wide (tests install one for the duration of a test).
 */
final class EventLoopBlocking {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoopBlocking.class);

    /** Told about each blocking call made on an event loop. */
    @FunctionalInterface
    interface Detector {
        Detector LOG_ONLY = (operation, thread) -> { };

        void blockedOnEventLoop(String operation, Thread thread);
    }

    private static final LongAdder VIOLATIONS = new LongAdder();
    private static volatile Detector detector = Detector.LOG_ONLY;

    private EventLoopBlocking() {}

    /** Call before blocking in {@code operation} (e.g. "resolve introducer.example"). */
    static void check(String operation) {
        if (!onEventLoop()) {
            return;
        }
        VIOLATIONS.increment();
        Thread thread = Thread.currentThread();
        LOG.warn("event_loop_blocked: blocking call on event loop {}: {}", thread.getName(), operation);
        detector.blockedOnEventLoop(operation, thread);
    }

    /** True on a thread that runs a Netty event loop. */
    static boolean onEventLoop() {
        EventExecutor executor = ThreadExecutorMap.currentExecutor();
        return executor instanceof EventLoop;
    }

    /** Installs {@code d}; returns the one it replaces. */
    static Detector install(Detector d) {
        Detector old = detector;
        detector = d;
        return old;
    }

    /** Blocking calls seen on event loops since the process started. */
    static long violations() {
        return VIOLATIONS.sum();
    }
}
