package net.dig.node;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import net.dig.storage.PlotSummary;
import net.dig.storage.RebuildReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dig-node index rebuild}: drops the SQLite index and rebuilds it from the plot files alone. */
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
            try (StorageSession s = StorageSession.open(spec, ctx, false)) {
                RebuildReport r = s.datastores().rebuildIndex();
                PrintWriter out = s.out();
                out.println("Rebuilt " + s.indexFile() + " from " + r.plots() + " plot(s): "
                        + r.datastores() + " datastore(s), " + r.capsules() + " capsule(s), "
                        + r.quarantined().size() + " quarantined");
                for (PlotSummary q : r.quarantined()) {
                    out.println("  quarantined " + q.path() + ": " + q.quarantineReason());
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
