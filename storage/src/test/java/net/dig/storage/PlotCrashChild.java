package net.dig.storage;

import java.nio.file.Path;
import java.util.SplittableRandom;
import net.dig.core.Progress;
import net.dig.testkit.ManualClock;

/**
 * Child process for {@link CrashSafetyTest}: ingests the same source over and over into a store,
 * printing one line per capsule written and one per committed plot, until it is killed.
 * Arguments: home directory, source file, random seed.
 */
public final class PlotCrashChild {
    private PlotCrashChild() {}

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        Path source = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        try (StorageEngine engine = StorageEngine.open(StorageConfig.under(home), new ManualClock(),
                StorageTestSupport.NODE, new SplittableRandom(seed))) {
            System.out.println("open");
            System.out.flush();
            for (int round = 0; ; round++) {
                Compression c = round % 2 == 0 ? Compression.NONE : Compression.ZSTD;
                engine.ingest(source, new IngestOptions(262_144, c, "round-" + round), StorageTestSupport.OWNER, new Progress() {
                    public void begin(String task, long total) { }
                    public void advance(long units) {
                        System.out.println("capsule");
                        System.out.flush();
                    }
                    public void end() { }
                });
                System.out.println("committed");
                System.out.flush();
            }
        }
    }
}
