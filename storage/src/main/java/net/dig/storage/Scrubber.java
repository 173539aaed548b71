package net.dig.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;

/**
 * The background scrubber: rehashes every capsule of every servable plot, over and over, at a bounded
 * rate, so rot on disk is found even in capsules nobody reads.
 *
 * <h2>What a pass does</h2>
 * A pass takes the plots the index lists as servable when it starts, in path order. For each plot it
 * opens a fresh {@link PlotReader} (which checks the header and every table against their hashes: a
 * failure quarantines the plot), then checks each capsule with {@link PlotVerifier#problem} (capsule
 * hash and chunk hashes). A copy found bad is recorded in the {@link Quarantine} (persisted, refused at
 * once, announced by {@link StorageEvents#onCapsuleQuarantined}); a copy found good is marked verified
 * in the engine's open reader, so its first serve needs no rehash. Findings are never cleared here: a
 * clean {@code plot verify} does that.
 *
 * <h2>Pacing (sans-I/O)</h2>
 * Nothing here sleeps or owns a thread. {@link #tick} does the work due since the last tick: a token
 * bucket filled at {@link ScrubConfig#bytesPerSecond} from the injected {@link Clock}, holding at most one
 * second of work; each capsule costs its stored bytes plus its chunk hashes and may drive the bucket
 * below zero (a capsule larger than a second's budget still gets checked, the next ticks pay for it).
 * A new pass starts no sooner than {@link ScrubConfig#period} after the previous one started.
 * {@link #schedule} runs {@link #tick} on an executor the caller owns; tests call it by hand with a
 * manual clock.
 *
 * <h2>Other processes</h2>
 * Each tick first lets the quarantine notice findings another process (a CLI {@code plot verify})
 * wrote to the index, even when scrubbing is off, so they are refused within one tick.
 *
 * <h2>Concurrency and failure modes</h2>
 * {@link #tick} is serialized; {@link #status} never blocks. A plot that vanished during a pass (an
 * eviction) is skipped. An index failure ends the tick with a {@link StorageException}; the scheduled
 * task logs it and carries on at the next tick, where the pass resumes.
 */
public final class Scrubber {
    private static final System.Logger LOG = System.getLogger(Scrubber.class.getName());

    private final CapsuleIndex index;
    private final String indexName;
    private final PlotReaders readers;
    private final Quarantine quarantine;
    private final StorageListeners events;
    private final byte[] nodePublicKey;
    private final Clock clock;
    private final ScrubConfig config;

    // state of the pass, under this object's lock
    private List<CapsuleIndex.PlotRow> passPlots;
    private int plotCursor;
    private PlotReader current;
    private int entryCursor;
    private long plotsDoneBytes;
    private long passStartNanos;
    private boolean passed;
    private double tokens;
    private long lastRefillNanos;
    private boolean started;
    private boolean closed;

    // what status() reports
    private volatile long bytesScrubbed;
    private volatile long passes;
    private volatile long lastPassFinishedMillis;
    private volatile long badFound;
    private volatile long passBytes;
    private volatile long passTotalBytes;

    Scrubber(CapsuleIndex index, String indexName, PlotReaders readers, Quarantine quarantine, StorageListeners events,
             byte[] nodePublicKey, Clock clock, ScrubConfig config) {
        this.index = index;
        this.indexName = indexName;
        this.readers = readers;
        this.quarantine = quarantine;
        this.events = events;
        this.nodePublicKey = nodePublicKey.clone();
        this.clock = clock;
        this.config = config;
    }

    public ScrubConfig config() {
        return config;
    }

    public ScrubStatus status() {
        return new ScrubStatus(config.enabled(), config.bytesPerSecond(), bytesScrubbed, passes, lastPassFinishedMillis, badFound,
                passBytes, passTotalBytes);
    }

    /** Runs {@link #tick} every {@code every} on {@code executor}; cancel the returned future to stop. */
    public ScheduledFuture<?> schedule(ScheduledExecutorService executor, Duration every) {
        long nanos = every.toNanos();
        return executor.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "scrub_tick_failed: scrub tick failed (retried at the next tick): " + e.getMessage(), e);
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Does the work due since the last tick (see the class comment). */
    public synchronized void tick() {
        if (closed) {
            return;
        }
        try {
            quarantine.refreshIfIndexChanged();
            if (config.enabled()) {
                scrub(clock.nanos());
            }
        } finally {
            events.deliver();
        }
    }

    private void scrub(long now) {
        if (!started) {
            started = true;
            lastRefillNanos = now;
        }
        double rate = config.bytesPerSecond();
        tokens = Math.min(rate, tokens + rate * Math.max(0, now - lastRefillNanos) / 1e9);
        lastRefillNanos = now;
        if (passPlots == null) {
            if (passed && now - passStartNanos < config.period().toNanos()) {
                return;
            }
            startPass(now);
        }
        while (tokens > 0) {
            if (!step()) {
                finishPass();
                return;
            }
        }
    }

    private void startPass(long now) {
        passPlots = StorageFailures.index("index " + indexName + " failed", index::plots).stream()
                .filter(r -> r.status() == PlotStatus.OK).toList();
        plotCursor = 0;
        plotsDoneBytes = 0;
        passStartNanos = now;
        passBytes = 0;
        passTotalBytes = passPlots.stream().mapToLong(CapsuleIndex.PlotRow::sizeBytes).sum();
    }

    private void finishPass() {
        passed = true;
        passPlots = null;
        passes++;
        lastPassFinishedMillis = clock.millis();
        passBytes = passTotalBytes;
        LOG.log(System.Logger.Level.INFO, "scrub_pass_finished",
                java.util.Map.of("passes", passes, "bytes_scrubbed", bytesScrubbed, "bad_found", badFound));
    }

    /** One unit of work: opens the next plot, closes a finished one, or checks one capsule. False when the pass is done. */
    private boolean step() {
        if (current == null) {
            if (plotCursor >= passPlots.size()) {
                return false;
            }
            openPlot(passPlots.get(plotCursor++));
            return true;
        }
        if (entryCursor >= current.entries().size()) {
            plotsDoneBytes += passPlots.get(plotCursor - 1).sizeBytes();
            passBytes = plotsDoneBytes;
            PlotReaders.closeQuietly(current);
            current = null;
            return true;
        }
        PlotReader.Entry e = current.entries().get(entryCursor++);
        String why = PlotVerifier.problem(current, e);
        long cost = e.storedLength() + 32L * PlotWriter.chunkCount(e.size());
        tokens -= cost;
        bytesScrubbed += cost;
        passBytes += e.storedLength();
        String path = current.path().toString();
        if (why == null) {
            PlotReader shared = readers.ifOpen(path);
            if (shared != null && shared.plotId().equals(current.plotId())) {
                PlotReader.Entry same = shared.entryAt(e.offset());
                if (same != null && same.position() == e.position()) {
                    shared.markVerified(same);
                }
            }
        } else if (quarantine.badCapsule(path, e.datastoreId(), e.index()) == null) {
            badFound++;
            LOG.log(System.Logger.Level.WARNING,
                    "scrub_bad_capsule: capsule " + e.index() + " of datastore " + e.datastoreId() + " in plot "
                    + path + " is bad: " + why);
            quarantine.capsules(path, current.plotId(), List.of(new CapsuleProblem(e.datastoreId(), e.index(), why)));
        }
        return true;
    }

    private void openPlot(CapsuleIndex.PlotRow row) {
        Path file = Path.of(row.path());
        entryCursor = 0;
        if (Files.exists(file)) { // else removed since the pass started (an eviction)
            open(file, row);
        }
        if (current == null) {
            plotsDoneBytes += row.sizeBytes();
            passBytes = plotsDoneBytes;
        }
    }

    private void open(Path file, CapsuleIndex.PlotRow row) {
        try {
            current = PlotReader.open(file, nodePublicKey);
        } catch (PlotReader.Corrupt c) {
            if (!quarantine.plotQuarantined(row.path())) {
                badFound++;
                LOG.log(System.Logger.Level.WARNING, "scrub_bad_plot: plot " + file + " fails its checks: " + c.reason());
                quarantine.plot(file, c.reason());
            }
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING,
                    "scrub_plot_unreadable: cannot read plot " + file + " (skipped this pass): " + ex.getMessage());
        }
    }

    /** Stops ticking; closes the plot of the current pass. */
    synchronized void close() {
        closed = true;
        PlotReaders.closeQuietly(current);
        current = null;
    }
}
