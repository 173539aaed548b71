package net.dig.node;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The addresses {@code dig-node start} listens on, each with the config key that sets it, so a taken
 * port is reported as the operator can fix it: the address, what listens there, the key to change.
 *
 * <p>{@link #refuseTaken} binds and releases each configured port before the start touches the data
 * directory; a port taken in the moment between that check and the real bind is recognised by a
 * {@link BindException} in the failure's cause chain ({@link #explain}), which probes the addresses
 * again to name the one that is taken.
 */
final class Listeners {
    /** One listening address and the key that sets it. */
    record Listener(String what, String key, HostPort address) {
        String display() {
            return address.host() + ":" + address.port();
        }
    }

    private Listeners() {}

    static List<Listener> of(NodeConfig config) {
        List<Listener> out = new ArrayList<>();
        out.add(new Listener("the P2P listener", "network.listen_address", config.network().listenAddress()));
        HostPort api = config.api().listenAddress();
        out.add(new Listener("the HTTP API", "api.listen_address", api));
        out.add(config.api().metricsListen()
                .map(m -> new Listener("/metrics and /health", "api.metrics_listen_address", m))
                .orElseGet(() -> new Listener("/metrics and /health", "monitoring.metrics_port",
                        new HostPort(api.host(), config.monitoring().metricsPort()))));
        return out;
    }

    /** Throws {@link ExitCodes#PORT_IN_USE} naming the first fixed port that something else holds. */
    static void refuseTaken(List<Listener> listeners) {
        for (Listener l : listeners) {
            if (taken(l)) {
                throw inUse(l);
            }
        }
    }

    /** The operator's message for a start that failed binding, if {@code failure} is one. */
    static Optional<CliException> explain(Throwable failure, List<Listener> listeners) {
        if (!boundFailure(failure)) {
            return Optional.empty();
        }
        for (Listener l : listeners) {
            if (taken(l)) {
                return Optional.of(inUse(l));
            }
        }
        List<String> all = listeners.stream().map(l -> l.display() + " (" + l.key() + ")").toList();
        return Optional.of(new CliException(ExitCodes.PORT_IN_USE, "cannot listen on one of " + String.join(", ", all)
                + ": the address is in use (two of these keys may name the same port); change one of them", failure));
    }

    private static boolean boundFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static boolean taken(Listener l) {
        if (l.address().port() == 0) {
            return false;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(l.address().host(), l.address().port()));
            return false;
        } catch (BindException e) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // not a taken port (an unknown host, say): the real bind reports it
        }
    }

    private static CliException inUse(Listener l) {
        String privileged = l.address().port() < 1024 ? ", or a port below 1024 needs privileges this process lacks" : "";
        return new CliException(ExitCodes.PORT_IN_USE, "cannot listen on " + l.display() + " for " + l.what()
                + ": the address is already in use (another dig-node, or another program" + privileged + "); set " + l.key()
                + " to a free port (node.yaml or --set " + l.key() + "=...; port 0 picks any free one) or stop what holds it");
    }
}
