package net.dig.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open plot files: one checked {@link PlotReader} (and its shared read-only channel) per plot path.
 *
 * <p>Readers are opened once, when a plot is committed or recovered, or on first use for a plot another
 * process indexed (a CLI next to a running node). Reads are positional, so one channel serves every
 * thread. Replacing or removing a reader closes the old one; a read racing with that fails with an
 * {@link IOException} and the caller tries its next copy.
 *
 * <p>Thread-safe: a concurrent map; first-use opening is serialized so a plot is opened once.
 */
final class PlotReaders implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PlotReaders.class.getName());

    private final Map<String, PlotReader> open = new ConcurrentHashMap<>();
    private final byte[] nodePublicKey;

    PlotReaders(byte[] nodePublicKey) {
        this.nodePublicKey = nodePublicKey.clone();
    }

    /** The reader of {@code path}, opening and checking the plot if this engine has not yet. */
    PlotReader get(String path) throws IOException, PlotReader.Corrupt {
        PlotReader r = open.get(path);
        if (r != null) {
            return r;
        }
        synchronized (open) {
            r = open.get(path);
            if (r == null) {
                r = PlotReader.open(Path.of(path), nodePublicKey);
                open.put(path, r);
            }
            return r;
        }
    }

    /** The reader of {@code path} if it is open. */
    PlotReader ifOpen(String path) {
        return open.get(path);
    }

    boolean isOpen(String path) {
        return open.containsKey(path);
    }

    void put(PlotReader reader) {
        closeQuietly(open.put(reader.path().toString(), reader));
    }

    void remove(String path) {
        closeQuietly(open.remove(path));
    }

    List<String> paths() {
        return List.copyOf(open.keySet());
    }

    @Override
    public void close() {
        for (PlotReader r : open.values()) {
            closeQuietly(r);
        }
        open.clear();
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "plot_reader_close_failed: close: " + e.getMessage());
            }
        }
    }
}
