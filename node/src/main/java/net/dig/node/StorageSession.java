package net.dig.node;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import net.dig.api.ApiConfig;
import net.dig.api.ApiServer;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.service.DatastoreService;
import net.dig.service.NodeServices;
import net.dig.storage.StorageEngine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a storage command (datastore, plot, index) works with: the validated context, the node key,
 * an open engine and the node's services over it, closed at the end. Commands reach stored state
 * through {@link #datastores()}, as the HTTP API does, so a failure exits with the code of its
 * {@code ErrorCode} row; the services are the node's own (its handle table where the running node
 * keeps it, {@link ApiServer#serviceSettings}) with the content tiers off, since a command serves nothing. Commands check their own arguments before
 * calling {@link #open}, so rejected input never creates anything. Read-only commands require an
 * initialized home (an index file) rather than creating one. Every session, read-only or not, holds the
 * home's lock ({@link HomeLock}): opening the engine reconciles the index with the plot files and
 * finishes interrupted evictions, which is writing (docs/decisions.md D30c).
 */
final class StorageSession implements AutoCloseable {
    final DigNodeCommand.NodeContext ctx;
    final NodeIdentity identity;
    final boolean terminal;
    private final StorageEngine engine;
    private final NodeServices services;
    private final CommandSpec spec;
    private final HomeLock ownLock;

    private StorageSession(CommandSpec spec, DigNodeCommand.NodeContext ctx, NodeIdentity identity, StorageEngine engine,
                           NodeServices services, boolean terminal, HomeLock ownLock) {
        this.spec = spec;
        this.ownLock = ownLock;
        this.ctx = ctx;
        this.identity = identity;
        this.engine = engine;
        this.services = services;
        this.terminal = terminal;
    }

    /** The context alone: validates config before a command checks its arguments. */
    static DigNodeCommand.NodeContext context(CommandSpec spec) {
        return DigNodeCommand.root(spec).context();
    }

    /**
     * Opens the home's storage under its lock ({@link HomeLock}, held until {@link #close}). A home with
     * a node key but no index is reported as an index to rebuild ({@link ExitCodes#INDEX_CORRUPT}).
     */
    static StorageSession open(CommandSpec spec, DigNodeCommand.NodeContext ctx, boolean createIfMissing) {
        if (!createIfMissing && !StorageWiring.initialized(ctx)) {
            Path index = ctx.home().indexFile(ctx.config());
            if (Files.exists(ctx.home().keyFile())) {
                throw new CliException(ExitCodes.INDEX_CORRUPT, "the index " + index + " is missing; rebuild it from the plot files with: "
                        + StorageErrors.repairCommand(ctx.home()));
            }
            throw CliException.usage("no dig-node data in " + ctx.home().dir() + " (no "
                    + index.getFileName() + "); run 'dig-node init' first or pass --data-dir");
        }
        try {
            Files.createDirectories(ctx.home().dir());
        } catch (IOException e) {
            throw CliException.failed("cannot create the data directory " + ctx.home().dir() + ": " + e.getMessage(), e);
        }
        HomeLock lock = HomeLock.acquire(ctx.home(), Clock.system().instant());
        try {
            return open(spec, ctx, lock, true);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Opens the storage of a home whose lock the caller holds (and keeps: {@link #close} leaves it). */
    static StorageSession openLocked(CommandSpec spec, DigNodeCommand.NodeContext ctx, HomeLock lock) {
        return open(spec, ctx, lock, false);
    }

    private static StorageSession open(CommandSpec spec, DigNodeCommand.NodeContext ctx, HomeLock lock, boolean ownsLock) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        LogSetup.toConsole(LogSetup.Console.STDERR, terminal ? "warn" : ctx.config().monitoring().logLevel(),
                java.util.Optional.empty());
        NodeIdentity identity = StorageWiring.identity(ctx);
        LogSetup.nodeId(identity.nodeId());
        StorageEngine engine = StorageWiring.open(ctx, identity, Clock.system());
        NodeServices services;
        try {
            NodeServices.Settings node = ApiServer.serviceSettings(ApiConfig.defaults(ctx.home().dir()));
            services = NodeServices.open(engine, identity, Clock.system(),
                    new NodeServices.Settings(0, node.l2Dir(), 0, node.handlesFile()));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return new StorageSession(spec, ctx, identity, engine, services, terminal, ownsLock ? lock : null);
    }

    DatastoreService datastores() {
        return services.datastores();
    }

    java.nio.file.Path indexFile() {
        return engine.config().indexFile();
    }

    /** JVM property: milliseconds between {@code running} progress events off a terminal (default 1000). */
    static final String PROGRESS_INTERVAL_PROPERTY = "dig.node.progress.interval.ms";

    Progress progress() {
        return terminal ? new TerminalProgress(System.err) : new JsonProgress("storage", Clock.system(), Long.getLong(PROGRESS_INTERVAL_PROPERTY, 1000));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Override
    public void close() {
        try {
            services.close();
        } finally {
            try {
                engine.close();
            } finally {
                if (ownLock != null) {
                    ownLock.close();
                }
            }
        }
    }
}
