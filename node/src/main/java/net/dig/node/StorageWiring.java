package net.dig.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
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
        return new StorageConfig(indexDir, home.plotDirs(config), home.cacheDir(config));
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

    /** Opens the storage engine and registers it with the runtime. */
    static StorageEngine startServices(NodeRuntime runtime, DigNodeCommand.NodeContext ctx, NodeIdentity identity, Clock clock) {
        StorageEngine engine = open(ctx, identity, clock);
        runtime.add("storage", engine);
        runtime.fact("datastores", engine.datastores().size());
        runtime.fact("plots", engine.plots().size());
        runtime.fact("plot_bytes", engine.plotBytesOnDisk());
        NodeLog.info("storage", "storage_opened", Map.of("index", engine.config().indexFile().toString(),
                "plots", engine.plots().size()));
        return engine;
    }
}
