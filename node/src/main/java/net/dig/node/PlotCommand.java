package net.dig.node;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import net.dig.core.Bytes32;
import net.dig.storage.CapsuleProblem;
import net.dig.storage.PlotStatus;
import net.dig.storage.PlotSummary;
import net.dig.storage.PlotVerification;
import net.dig.storage.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dig-node plot list|verify}. */
@Command(name = "plot", mixinStandardHelpOptions = true, description = "List and verify plot files.",
        subcommands = {PlotCommand.ListPlots.class, PlotCommand.Verify.class})
final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the plot files and their status.")
    static final class ListPlots implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            DigNodeCommand.NodeContext ctx = StorageSession.context(spec);
            try (StorageSession s = StorageSession.open(spec, ctx, false)) {
                List<PlotSummary> plots = s.datastores().plots();
                PrintWriter out = s.out();
                if (json) {
                    out.println(CliJson.write(CliJson.plots(plots)));
                } else if (plots.isEmpty()) {
                    out.println("No plots in " + String.join(", ", ctx.home().plotDirs(ctx.config()).stream().map(Path::toString).toList()));
                } else {
                    out.printf(Locale.ROOT, "%-66s  %-11s  %8s  %10s  %s%n", "PLOT ID", "STATUS", "CAPSULES", "SIZE", "PATH");
                    long total = 0;
                    for (PlotSummary p : plots) {
                        out.printf(Locale.ROOT, "%-66s  %-11s  %8d  %10s  %s%s%n", p.plotId().toHex(), status(p), p.capsuleCount(),
                                DatastoreCommand.size(p.sizeBytes()), p.path(), detail(p));
                        total += p.sizeBytes();
                    }
                    long onDisk = s.datastores().plotBytesOnDisk();
                    out.println(plots.size() + " plot(s), " + total + " bytes" + (onDisk == total ? ""
                            : "; the plot directories hold " + onDisk + " bytes (du -sb: the directories themselves and any"
                                    + " other files included)"));
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /**
     * A plot's state as {@code plot list} shows it, from the index: {@code quarantined} (header or
     * tables bad, or the file gone: nothing served), {@code degraded} (capsules a verify, a read or the
     * scrubber found bad: those are refused until a clean verify, the rest is served), else {@code ok}.
     */
    static String status(PlotSummary p) {
        if (p.status() == PlotStatus.QUARANTINED) {
            return "quarantined";
        }
        return p.status() == PlotStatus.DEGRADED || !p.badCapsules().isEmpty() ? "degraded" : "ok";
    }

    private static String detail(PlotSummary p) {
        if (p.status() != PlotStatus.OK) {
            // quarantined: why; degraded: which capsules are refused (StorageEngine#plots says)
            return " (" + p.quarantineReason() + (p.status() == PlotStatus.DEGRADED ? "; 'dig-node plot verify' rechecks" : "") + ")";
        }
        return "";
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Rehash every capsule of one plot (or all plots); exit 1 if anything is wrong.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PLOT", arity = "0..1", description = "A plot id (0x + 64 hex digits) or a plot file path; default: all plots.")
        String plot;

        @Option(names = "--json", description = "Print the report as a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            DigNodeCommand.NodeContext ctx = StorageSession.context(spec);
            Optional<Path> asPath = Optional.empty();
            Optional<Bytes32> asId = Optional.empty();
            if (plot != null) {
                if (looksLikeId(plot)) {
                    asId = Optional.of(DatastoreCommand.parseId("plot", plot));
                } else if (Files.exists(Path.of(plot))) {
                    asPath = Optional.of(Path.of(plot));
                } else if (plot.contains("/") || plot.endsWith(".plot")) {
                    throw CliException.usage(plot + ": no such file or directory (give a plot file of this node or its id,"
                            + " as 'dig-node plot list' shows them)");
                } else {
                    throw CliException.usage("'" + plot + "' is neither a plot file nor a plot id (0x and 64 hex digits,"
                            + " as 'dig-node plot list' shows them)");
                }
            }
            try (StorageSession s = StorageSession.open(spec, ctx, false)) {
                Optional<Bytes32> selected = Optional.empty();
                if (plot != null) {
                    selected = Optional.of(find(s.datastores().plots(), asPath, asId));
                }
                VerifyReport report = s.datastores().verify(selected, s.progress());
                PrintWriter out = s.out();
                if (json) {
                    out.println(CliJson.write(CliJson.verification(report.plots())));
                } else {
                    for (PlotVerification p : report.plots()) {
                        out.println((p.ok() ? "ok   " : "BAD  ") + p.plotId().toHex() + "  " + p.path());
                        if (!p.headerValid()) {
                            out.println("     header is invalid");
                        }
                        if (!p.tablesValid()) {
                            out.println("     tables are invalid");
                        }
                        for (CapsuleProblem c : p.badCapsules()) {
                            out.println("     capsule " + c.capsuleIndex() + " of " + c.datastoreId().toHex() + ": " + c.reason());
                        }
                    }
                    long bad = report.plots().stream().filter(p -> !p.ok()).count();
                    out.println(report.plots().size() + " plot(s) verified, " + bad + " with problems");
                }
                out.flush();
                return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
            }
        }

        /** An id as {@code plot list} prints it: {@code 0x} and hex digits, nothing that names a file. */
        private static boolean looksLikeId(String arg) {
            return arg.matches("0x[0-9a-fA-F]{64}") && !Files.exists(Path.of(arg));
        }

        private Bytes32 find(List<PlotSummary> plots, Optional<Path> path, Optional<Bytes32> id) {
            for (PlotSummary p : plots) {
                if (id.isPresent() && p.plotId().equals(id.get())) {
                    return p.plotId();
                }
                if (path.isPresent() && sameFile(p.path(), path.get())) {
                    return p.plotId();
                }
            }
            throw CliException.usage(path.isPresent() ? path.get() + " is not a plot file of this node"
                    : "unknown plot " + id.orElseThrow().toHex());
        }

        private static boolean sameFile(Path a, Path b) {
            try {
                return Files.isSameFile(a, b);
            } catch (IOException e) {
                return false;
            }
        }
    }
}
