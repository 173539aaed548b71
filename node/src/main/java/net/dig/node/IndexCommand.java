package net.dig.node;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import net.dig.storage.PlotSummary;
import net.dig.core.Clock;
import net.dig.storage.RebuildReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node index rebuild}: rebuilds the SQLite index from the plot files alone, whatever state
 * the index is in. A missing index is created; one that cannot be used (not a database, damaged,
 * truncated, another schema: {@code INDEX_CORRUPT}) is set aside as {@code index.sqlite.corrupt-<time>}
 * with its WAL, never deleted, and a fresh one is built. Bad-capsule findings live only in the index, so
 * those of a set-aside index are lost; {@code plot verify} finds them again. A home without its node key
 * is refused: the plots would all be foreign to it.
 */
@Command(name = "index", mixinStandardHelpOptions = true, description = "Maintain the SQLite index.",
        subcommands = {IndexCommand.Rebuild.class})
final class IndexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = "Rebuild the index from the plot files (the plots are the source of truth).")
    static final class Rebuild implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            DigNodeCommand.NodeContext ctx = StorageSession.context(spec);
            NodeHome home = ctx.home();
            if (!Files.exists(home.keyFile())) {
                throw CliException.usage("no dig-node data in " + home.dir() + " (no " + home.keyFile().getFileName()
                        + ", the key that signed its plots); pass the --data-dir of the node, or run 'dig-node init' for a new one");
            }
            try (HomeLock lock = HomeLock.acquire(home, Clock.system().instant())) {
                Optional<Path> aside = Optional.empty();
                Rebuilt r;
                try {
                    r = rebuild(ctx, lock);
                } catch (RuntimeException e) {
                    if (!StorageErrors.indexCorrupt(e)) {
                        throw e;
                    }
                    aside = StorageWiring.setAsideIndex(ctx);
                    r = rebuild(ctx, lock);
                }
                PrintWriter out = spec.commandLine().getOut();
                out.println("Rebuilt " + r.index() + " from " + r.report().plots() + " plot(s): "
                        + r.report().datastores() + " datastore(s), " + r.report().capsules() + " capsule(s), "
                        + r.report().quarantined().size() + " quarantined");
                aside.ifPresent(p -> out.println("  the damaged index was kept as " + p));
                for (PlotSummary q : r.report().quarantined()) {
                    out.println("  quarantined " + q.path() + ": " + q.quarantineReason());
                }
                out.flush();
            }
            return ExitCodes.OK;
        }

        private record Rebuilt(Path index, RebuildReport report) {}

        private Rebuilt rebuild(DigNodeCommand.NodeContext ctx, HomeLock lock) {
            try (StorageSession s = StorageSession.openLocked(spec, ctx, lock)) {
                return new Rebuilt(s.indexFile(), s.datastores().rebuildIndex());
            }
        }
    }
}
