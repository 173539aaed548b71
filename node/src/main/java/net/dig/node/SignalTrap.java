package net.dig.node;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT (and SIGHUP, {@link #onHangup}) into a callback instead of the JVM's default (run shutdown hooks, exit
 * 128+signal), so {@code start} can stop in order and exit 0. Uses {@code sun.misc.Signal}
 * (module jdk.unsupported, present in every JDK); where a signal cannot be trapped the JVM default
 * stays, and the shutdown hook still closes the node.
 */
final class SignalTrap {
    private SignalTrap() {}

    /** SIGHUP runs {@code action} (a config reload) on the signal's thread; the node keeps running. */
    static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), signal -> action.run());
        } catch (IllegalArgumentException unavailable) {
            // not trappable here; the node still reloads through POST /admin/reload
        }
    }

    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> action.run());
            } catch (IllegalArgumentException unavailable) {
                // not trappable on this platform or already used by the JVM (-Xrs)
            }
        }
    }
}
