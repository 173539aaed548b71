package net.dig.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import net.dig.core.Bytes32;
import net.dig.testkit.ManualClock;

/**
 * Child process for {@link EvictionCrashTest}: evicts one datastore and stops dead at a chosen step,
 * printing {@code at <step>} there, so the parent can kill it with SIGKILL at exactly that point.
 * Steps are those of {@link StorageEngine#evictionStep} plus {@code publishing} (inside the plot
 * writer, the temporary file complete, just before it gets its final name).
 * Arguments: data directory, plot directory 1, plot directory 2, datastore id, step, occurrence (1-based).
 */
public final class EvictionCrashChild {
    private EvictionCrashChild() {}

    public static void main(String[] args) {
        StorageConfig config = new StorageConfig(Path.of(args[0]), List.of(Path.of(args[1]), Path.of(args[2])), null);
        Bytes32 id = Bytes32.fromHex(args[3]);
        String target = args[4];
        int occurrence = Integer.parseInt(args[5]);
        int[] seen = {0};
        try (StorageEngine engine = StorageEngine.open(config, new ManualClock(), StorageTestSupport.NODE, new SplittableRandom(1))) {
            java.util.function.Consumer<String> hook = step -> {
                System.out.println("step " + step);
                if (step.equals(target) && ++seen[0] == occurrence) {
                    System.out.println("at " + step);
                    System.out.flush();
                    while (true) {
                        LockSupport.park(); // until the parent kills this process
                    }
                }
                System.out.flush();
            };
            engine.evictionStep = hook;
            engine.beforePublish = () -> hook.accept("publishing");
            engine.evict(id);
            System.out.println("done");
            System.out.flush();
        }
    }
}
