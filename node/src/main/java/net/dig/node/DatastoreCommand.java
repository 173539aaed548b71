package net.dig.node;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import net.dig.core.Bytes32;
import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;
import net.dig.storage.CapsuleSize;
import net.dig.storage.Compression;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dig-node datastore add|list|show}. */
@Command(name = "datastore", mixinStandardHelpOptions = true,
        description = "Add, list and show datastores.",
        subcommands = {DatastoreCommand.Add.class, DatastoreCommand.ListDatastores.class, DatastoreCommand.Show.class,
                DatastoreCommand.Delete.class})
final class DatastoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** A {@code 0x}-hex id from the command line, or exit 2 naming the argument. */
    static Bytes32 parseId(String what, String text) {
        try {
            return Bytes32.fromHex(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(what + " '" + text + "' is not a 32-byte hex id: " + e.getMessage());
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Turn a file or a directory into a new datastore in a new plot.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATH", description = "The file or directory to add.")
        Path source;

        @Option(names = "--capsule-size", paramLabel = "SIZE", completionCandidates = CapsuleSizeLabels.class,
                description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
        String capsuleSize = CapsuleSize.DEFAULT.label();

        @Option(names = "--compression", paramLabel = "CODEC", description = "zstd or none (default: storage.compression).")
        String compression;

        @Option(names = "--name", paramLabel = "NAME", description = "Display name (default: the file or directory name).")
        String name;

        @Option(names = "--json", description = "Print the new datastore's manifest as JSON.")
        boolean json;

        /**
         * Every file and directory below {@code dir} can be read, checked before the node is opened, so an
         * unreadable member is a request error (exit 2) like an unreadable top-level path, not a failed ingest.
         */
        private static void requireReadableTree(Path dir) {
            try (var paths = Files.walk(dir)) {
                paths.filter(p -> !Files.isReadable(p) || (Files.isDirectory(p) && !Files.isExecutable(p)))
                        .findFirst()
                        .ifPresent(p -> {
                            throw CliException.usage(p + ": permission denied (cannot read it)");
                        });
            } catch (java.io.UncheckedIOException | java.io.IOException e) {
                Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
                if (cause instanceof java.nio.file.AccessDeniedException denied) {
                    throw CliException.usage(denied.getFile() + ": permission denied (cannot read it)");
                }
                throw CliException.usage(dir + ": cannot list it: " + cause.getMessage());
            }
        }

        @Override
        public Integer call() {
            DigNodeCommand.NodeContext ctx = StorageSession.context(spec);
            IngestOptions options = options(ctx);
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS) && !Files.exists(source)) {
                throw CliException.usage(source + ": no such file or directory");
            }
            if (!Files.isReadable(source) || (Files.isDirectory(source) && !Files.isExecutable(source))) {
                throw CliException.usage(source + ": permission denied (cannot read it)");
            }
            if (!Files.isRegularFile(source) && !Files.isDirectory(source)) {
                throw CliException.usage(source + ": not a regular file or directory");
            }
            if (Files.isDirectory(source)) {
                requireReadableTree(source);
            }
            try (StorageSession s = StorageSession.open(spec, ctx, true)) {
                Manifest m = s.datastores().ingest(source, options, s.identity, s.progress());
                var details = new java.util.LinkedHashMap<String, Object>();
                details.put("datastore_id", m.datastoreId().toHex());
                details.put("capsule_count", m.version().capsuleCount());
                details.put("total_size", m.version().totalSize());
                NodeLog.info("storage", "datastore_added", details);
                PrintWriter out = s.out();
                if (json) {
                    out.println(CliJson.write(CliJson.manifest(m)));
                } else {
                    out.println("Added datastore " + m.datastoreId().toHex());
                    out.println("  name:        " + m.name());
                    out.println("  size:        " + m.version().totalSize() + " bytes (" + size(m.version().totalSize()) + ")");
                    out.println("  capsules:    " + m.version().capsuleCount() + " (capsule size " + size(m.version().capsuleSize()) + ")");
                    out.println("  files:       " + m.files().size());
                    out.println("  merkle root: " + m.version().merkleRoot().toHex());
                }
                out.flush();
            }
            return ExitCodes.OK;
        }

        private IngestOptions options(DigNodeCommand.NodeContext ctx) {
            CapsuleSize size = capsuleSize(capsuleSize);
            Compression codec = ctx.config().storage().compression();
            if (compression != null) {
                try {
                    codec = Compression.parse(compression);
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("--compression must be zstd or none, got '" + compression + "'");
                }
            }
            if (name != null && name.isBlank()) {
                throw CliException.usage("--name must not be empty");
            }
            return new IngestOptions(size.bytes(), codec, name);
        }

        /** A {@link CapsuleSize} label or byte count, or exit 2 listing the labels. */
        static CapsuleSize capsuleSize(String text) {
            try {
                return CapsuleSize.parse(text);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--capsule-size must be one of " + String.join(", ", new CapsuleSizeLabels())
                        + ", got '" + text + "'");
            }
        }
    }

    /** The labels of {@link CapsuleSize}, smallest first: the help text's and the refusal's list. */
    static final class CapsuleSizeLabels implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(CapsuleSize.values()).map(CapsuleSize::label).iterator();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the stored datastores and why each is kept (the rows of GET /datastores, in the same order).")
    static final class ListDatastores implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            DigNodeCommand.NodeContext ctx = StorageSession.context(spec);
            try (StorageSession s = StorageSession.open(spec, ctx, false)) {
                List<net.dig.service.DatastoreListing.Row> all = net.dig.service.DatastoreListing.all(s.datastores().datastores(),
                        net.dig.service.DatastoreListing.byOrigin(s.datastores(), s.identity.publicKey(),
                                net.dig.service.OfferedVersions.open(ctx.home().dir().resolve(ReplicationWiring.TAKEN))));
                PrintWriter out = s.out();
                if (json) {
                    out.println(CliJson.write(all.stream().map(net.dig.service.DatastoreListing.Row::fields).toList()));
                } else if (all.isEmpty()) {
                    out.println("No datastores. Add one with: dig-node datastore add PATH");
                } else {
                    out.printf(Locale.ROOT, "%-66s  %-24s  %7s  %8s  %10s  %s%n", "DATASTORE ID", "NAME", "VERSION", "CAPSULES", "SIZE", "REASON");
                    for (net.dig.service.DatastoreListing.Row row : all) {
                        DatastoreSummary d = row.datastore();
                        out.printf(Locale.ROOT, "%-66s  %-24s  %7d  %8d  %10s  %s%n", d.datastoreId().toHex(),
                                abbreviate(d.name(), 24), d.version(), d.capsuleCount(), size(d.totalSize()), row.reason());
                    }
                }
                out.flush();
            }
            return ExitCodes.OK;
        }

        private static String abbreviate(String s, int max) {
            return s == null ? "" : s.length() <= max ? s : s.substring(0, max - 1) + "…";
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove a datastore from this node: every version, its plots (plots shared with other "
                    + "datastores are rewritten without it). Crash-safe: an interrupted delete completes at the next start. "
                    + "On the owner's node it is deleted everywhere: a signed tombstone goes to every peer while the node runs.")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The datastore id (0x + 64 hex digits).")
        String id;

        @Override
        public Integer call() {
            DigNodeCommand.NodeContext ctx = StorageSession.context(spec);
            Bytes32 datastoreId = parseId("datastore id", id);
            try (StorageSession s = StorageSession.open(spec, ctx, false)) {
                long before = s.datastores().plotBytesOnDisk();
                boolean owner = s.datastores().manifest(datastoreId)
                        .map(m -> java.util.Arrays.equals(m.version().ownerPublicKey(), s.identity.publicKey())).orElse(false);
                if (owner) {
                    TombstoneWiring.outbox(ctx.home(), net.dig.core.Clock.system()).add(
                            new net.dig.service.TombstoneService(s.datastores(), net.dig.core.Clock.system()).issue(datastoreId, s.identity));
                } else {
                    s.datastores().delete(datastoreId);
                }
                PrintWriter out = s.out();
                out.println("deleted " + datastoreId.toHex() + " (" + size(before - s.datastores().plotBytesOnDisk())
                        + " of plots freed)");
                if (owner) {
                    out.println("this node owns it: its tombstone goes to every peer while the node runs (deleted everywhere)");
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a datastore's manifest (with --json: the document GET /datastore/{id}/manifest serves).")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The datastore id (0x + 64 hex digits).")
        String id;

        @Option(names = "--json", description = "Print the manifest JSON.")
        boolean json;

        @Override
        public Integer call() {
            DigNodeCommand.NodeContext ctx = StorageSession.context(spec);
            Bytes32 datastoreId = parseId("datastore id", id);
            try (StorageSession s = StorageSession.open(spec, ctx, false)) {
                Manifest m = s.datastores().manifest(datastoreId).orElseThrow(() -> new ServiceException(ErrorCode.UNKNOWN_DATASTORE,
                        "unknown datastore " + datastoreId.toHex()));
                PrintWriter out = s.out();
                if (json) {
                    out.println(CliJson.write(CliJson.manifest(m)));
                } else {
                    var v = m.version();
                    out.println("Datastore " + v.datastoreId().toHex());
                    out.println("  name:          " + m.name());
                    out.println("  version:       " + v.version());
                    out.println("  owner:         " + net.dig.core.Hex.encode(v.ownerPublicKey()));
                    out.println("  merkle root:   " + v.merkleRoot().toHex());
                    out.println("  total size:    " + v.totalSize() + " bytes (" + size(v.totalSize()) + ")");
                    out.println("  capsules:      " + v.capsuleCount() + " (capsule size " + size(v.capsuleSize()) + ")");
                    out.println("  created:       " + java.time.Instant.ofEpochSecond(v.creationTime()));
                    out.println("  signature:     " + (v.signatureValid() ? "valid" : "INVALID"));
                    out.println("  files (" + m.files().size() + "):");
                    for (var f : m.files()) {
                        out.printf(Locale.ROOT, "    %12d  %s%n", f.length(), f.path());
                    }
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
