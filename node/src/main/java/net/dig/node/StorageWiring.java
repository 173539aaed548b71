package net.dig.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.storage.ScrubConfig;
import net.dig.storage.StorageClass;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;

/**
 * How the node builds its storage engine from the config: plot directories and cache from
 * {@code storage.*} (relative to the home), the index file {@code storage.index} (the engine keeps
 * it at {@code <dir>/index.sqlite}, so the config chooses the directory), and the node key, which
 * signs the plots the engine writes.
 */
final class StorageWiring {
    private StorageWiring() {}

    static StorageConfig storageConfig(DigNodeCommand.NodeContext ctx) {
        NodeHome home = ctx.home();
        NodeConfig config = ctx.config();
        Path indexDir = home.indexFile(config).getParent();
        List<Path> dirs = home.plotDirs(config);
        Map<Path, StorageClass> classes = new HashMap<>();
        for (int i = 0; i < dirs.size(); i++) {
            classes.put(dirs.get(i), config.storage().classOf(i));
        }
        return new StorageConfig(indexDir, dirs, home.cacheDir(config), classes);
    }

    /** The node key (created, 0600, when absent), checked against {@code node.id} when that is set. */
    static NodeIdentity identity(DigNodeCommand.NodeContext ctx) {
        NodeHome home = ctx.home();
        NodeIdentity identity = NodeIdentity.loadOrCreate(home.keyFile(), new SecureRandom());
        ctx.config().node().expectedId().ifPresent(expected -> {
            if (!expected.equals(identity.nodeId())) {
                throw new ConfigException("node.id", "is " + expected + " but the key " + home.keyFile()
                        + " belongs to " + identity.nodeId() + " (remove node.id or restore the key)");
            }
        });
        return identity;
    }

    static boolean initialized(DigNodeCommand.NodeContext ctx) {
        return Files.exists(ctx.home().indexFile(ctx.config()));
    }

    static StorageEngine open(DigNodeCommand.NodeContext ctx, NodeIdentity identity, Clock clock) {
        return StorageEngine.open(storageConfig(ctx), clock, identity, new SecureRandom());
    }

    /** Moves an unusable index (and its WAL) aside for a rebuild; where it went, empty if there was none. */
    static java.util.Optional<Path> setAsideIndex(DigNodeCommand.NodeContext ctx) {
        return StorageEngine.setAsideIndex(storageConfig(ctx), Clock.system());
    }

    /** Creates the storage engine's files (directories, index) for a new home. */
    static void initialize(DigNodeCommand.NodeContext ctx, NodeIdentity identity) {
        open(ctx, identity, Clock.system()).close();
    }

    /** How often the scrubber's tick runs: its bucket holds a second of work, and a CLI verify is taken in within a tick. */
    static final Duration SCRUB_TICK = Duration.ofMillis(250);

    /**
     * Opens the storage engine and registers it with the runtime, and starts the scrubber
     * ({@code storage.scrub}) on its own thread, stopped before the engine closes.
     */
    static StorageEngine startServices(NodeRuntime runtime, DigNodeCommand.NodeContext ctx, NodeIdentity identity, Clock clock) {
        StorageEngine engine = open(ctx, identity, clock);
        runtime.add("storage", engine);
        ScrubConfig scrub = ctx.config().storage().scrub().scrubConfig();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("dig-scrub").daemon().factory());
        engine.scrubber(scrub).schedule(ticks, SCRUB_TICK);
        runtime.add("scrubber", () -> {
            ticks.shutdown(); // no interrupt: an interrupted FileChannel read would close the channel
            if (!ticks.awaitTermination(30, TimeUnit.SECONDS)) {
                ticks.shutdownNow();
            }
        });
        runtime.fact("scrub_rate", scrub.bytesPerSecond());
        runtime.fact("datastores", engine.datastores().size());
        runtime.fact("plots", engine.plots().size());
        runtime.fact("plot_bytes", engine.plotBytesOnDisk());
        NodeLog.info("storage", "storage_opened", Map.of("index", engine.config().indexFile().toString(),
                "plots", engine.plots().size()));
        return engine;
    }
}
