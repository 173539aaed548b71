package net.dig.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.storage.PlotDirectory;
import net.dig.storage.PlotFile;
import net.dig.storage.StorageClass;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageErrorCode;
import net.dig.storage.StorageException;

/**
 * Promotes hot plots to faster disks and demotes cold ones to slower disks: the seed's storage hierarchy
 * (NVMe for frequently read content, SSD for recent plots, HDD for cold storage) over the plot directories'
 * {@link StorageClass}es.
 *
 * <h2>Rule</h2>
 * A plot's heat is the sum of the read rates ({@link ReadRates}, reads an hour with a one-hour half-life) of the
 * datastores it holds capsules of. Each {@link #tick}:
 * <ol>
 *   <li>a plot found in two directories (what a stop in the middle of a move leaves) keeps the copy in the class
 *       it belongs to by the rule below and drops the other ({@link StorageEngine#dropPlotCopy});
 *   <li>a plot with heat at or above {@code promoteReadsPerHour} moves to the fastest class that has room and is
 *       faster than its own; one at or below {@code demoteReadsPerHour}, older than {@code demoteAfter} (a new
 *       plot has no reads counted yet), to the slowest class that has room and is slower than its own; heat in
 *       between leaves a plot where it is (the gap is the hysteresis that keeps a plot from moving back and
 *       forth);
 *   <li>at most {@code movesPerTick} moves, the hottest promotion first, then the coldest demotion.
 * </ol>
 * Nothing happens when every directory has one class. Quarantined and damaged plots stay where they are for
 * the repair path.
 *
 * <h2>Concurrency and failure modes</h2>
 * {@link #tick} runs on one thread (the node's tiering scheduler) and blocks for the copies; status and metrics
 * are read from any thread ({@link NodeServices#bindTo} turns them into meters). A move that fails (no room, a copy that does not check) is counted, logged and
 * retried on a later tick; the storage layer leaves the original in place.
 */
public final class TierBalancer {
    private static final System.Logger LOG = System.getLogger(TierBalancer.class.getName());

    /** The rule's parameters (config {@code storage.tiering.*}). */
    public record Settings(double promoteReadsPerHour, double demoteReadsPerHour, Duration demoteAfter, int movesPerTick) {
        public Settings {
            if (!(demoteReadsPerHour >= 0) || !(promoteReadsPerHour > demoteReadsPerHour)) {
                throw new IllegalArgumentException("tiering: promote_reads_per_hour (" + promoteReadsPerHour
                        + ") must be above demote_reads_per_hour (" + demoteReadsPerHour + ") and that at least 0");
            }
            Objects.requireNonNull(demoteAfter, "demoteAfter");
            if (demoteAfter.isNegative() || movesPerTick < 1) {
                throw new IllegalArgumentException("tiering: demote_after must be >= 0 and moves_per_tick >= 1");
            }
        }
    }

    /** What tiering has done since start, and the directories now (for {@code /node/status}). */
    public record Status(boolean active, long promoted, long demoted, long failed, long copiesDropped, String lastMove,
                         List<Directory> directories) {
        /** The plot bytes in directories of class {@code label}. */
        public long plotBytesOf(String label) {
            return directories.stream().filter(d -> d.storageClass().equals(label)).mapToLong(Directory::plotBytes).sum();
        }
    }

    /**
     * A plot directory: its class ({@code nvme}, {@code ssd}, {@code hdd}), its plots and their bytes, and the usable
     * bytes of its disk (-1 when unreadable or read-only).
     */
    public record Directory(String path, String storageClass, int plots, long plotBytes, long freeBytes) {}

    /** The class labels, fastest first. */
    public static List<String> classLabels() {
        return java.util.Arrays.stream(StorageClass.values()).map(StorageClass::label).toList();
    }

    private final StorageEngine storage;
    private final ReadRates reads;
    private final Settings settings;
    private final Clock clock;
    private final AtomicLong promoted = new AtomicLong();
    private final AtomicLong demoted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong copiesDropped = new AtomicLong();
    private final AtomicReference<String> lastMove = new AtomicReference<>();

    public TierBalancer(StorageEngine storage, ReadRates reads, Settings settings, Clock clock) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.reads = Objects.requireNonNull(reads, "reads");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether the plot directories span more than one class. */
    public boolean active() {
        return storage.config().tiered();
    }

    /** One pass of the rule; the number of plots moved. */
    public int tick() {
        if (!active()) {
            return 0;
        }
        List<StorageClass> present = storage.config().plotClasses().values().stream().distinct().sorted().toList();
        Map<Bytes32, List<PlotFile>> byId = new LinkedHashMap<>();
        for (PlotFile f : storage.plotFiles()) {
            byId.computeIfAbsent(f.plotId(), k -> new ArrayList<>()).add(f);
        }
        List<Candidate> promotions = new ArrayList<>();
        List<Candidate> demotions = new ArrayList<>();
        long nowSeconds = clock.millis() / 1000;
        for (List<PlotFile> copies : byId.values()) {
            PlotFile f = copies.getFirst();
            double heat = heat(f);
            if (copies.size() > 1) {
                resolveCopies(copies, wanted(f.storageClass(), heat, present));
                continue;
            }
            if (!f.servable()) {
                continue;
            }
            if (heat >= settings.promoteReadsPerHour() && present.getFirst().fasterThan(f.storageClass())) {
                promotions.add(new Candidate(f, heat));
            } else if (heat <= settings.demoteReadsPerHour() && f.storageClass().fasterThan(present.getLast())
                    && nowSeconds - f.creationTime() >= settings.demoteAfter().toSeconds()) {
                demotions.add(new Candidate(f, heat));
            }
        }
        promotions.sort(Comparator.comparingDouble(Candidate::heat).reversed());
        demotions.sort(Comparator.comparingDouble(Candidate::heat));
        int moves = 0;
        for (Candidate c : promotions) {
            if (moves < settings.movesPerTick() && move(c, faster(c.file().storageClass(), present), true)) {
                moves++;
            }
        }
        for (Candidate c : demotions) {
            if (moves < settings.movesPerTick() && move(c, slower(c.file().storageClass(), present), false)) {
                moves++;
            }
        }
        return moves;
    }

    public Status status() {
        List<Directory> dirs = new ArrayList<>();
        for (PlotDirectory d : storage.plotDirectories()) {
            dirs.add(new Directory(d.path().toString(), d.storageClass().label(), d.plots(), d.plotBytes(), d.usableBytes()));
        }
        return new Status(active(), promoted.get(), demoted.get(), failed.get(), copiesDropped.get(), lastMove.get(),
                List.copyOf(dirs));
    }

    private record Candidate(PlotFile file, double heat) {}

    private double heat(PlotFile f) {
        double sum = 0;
        for (Bytes32 ds : f.datastores()) {
            sum += reads.perHour(ds);
        }
        return sum;
    }

    /** The class a plot of this heat belongs in, from where it is now. */
    private StorageClass wanted(StorageClass now, double heat, List<StorageClass> present) {
        if (heat >= settings.promoteReadsPerHour()) {
            return present.getFirst();
        }
        return heat <= settings.demoteReadsPerHour() ? present.getLast() : now;
    }

    private void resolveCopies(List<PlotFile> copies, StorageClass wanted) {
        PlotFile keep = copies.stream().filter(PlotFile::servable)
                .min(Comparator.comparingInt(c -> Math.abs(c.storageClass().ordinal() - wanted.ordinal())))
                .orElse(null);
        if (keep == null) {
            return;
        }
        for (PlotFile c : copies) {
            if (c != keep) {
                try {
                    storage.dropPlotCopy(c.path());
                    copiesDropped.incrementAndGet();
                    LOG.log(System.Logger.Level.INFO, "plot_copy_dropped: plot " + c.plotId() + " kept at " + keep.path()
                            + ", its copy at " + c.path() + " removed");
                } catch (StorageException e) {
                    failed.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, "plot_copy_drop_failed: " + c.path() + ": " + e.getMessage());
                }
            }
        }
    }

    private boolean move(Candidate c, List<StorageClass> targets, boolean promotion) {
        for (StorageClass target : targets) {
            Path from = c.file().path();
            try {
                Path to = storage.movePlot(from, target);
                (promotion ? promoted : demoted).incrementAndGet();
                String what = (promotion ? "promoted" : "demoted") + " plot " + c.file().plotId() + " from "
                        + c.file().storageClass().label() + " to " + target.label() + " (" + String.format("%.2f", c.heat())
                        + " reads/h): " + from + " -> " + to;
                lastMove.set(what);
                LOG.log(System.Logger.Level.INFO, (promotion ? "plot_promoted: " : "plot_demoted: ") + what);
                return true;
            } catch (StorageException e) {
                if (e.code() != StorageErrorCode.NO_SPACE) {
                    failed.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, "plot_move_failed: plot " + c.file().plotId() + " to "
                            + target.label() + ": " + e.getMessage());
                    return false;
                }
            }
        }
        return false;
    }

    /** The classes faster than {@code now}, fastest first. */
    private static List<StorageClass> faster(StorageClass now, List<StorageClass> present) {
        return present.stream().filter(c -> c.fasterThan(now)).toList();
    }

    /** The classes slower than {@code now}, slowest first. */
    private static List<StorageClass> slower(StorageClass now, List<StorageClass> present) {
        return present.stream().filter(now::fasterThan).sorted(Comparator.reverseOrder()).toList();
    }
}
