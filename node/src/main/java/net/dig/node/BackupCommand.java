package net.dig.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import net.dig.core.AtomicFiles;
import net.dig.core.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node backup DIR}: writes {@code DIR/dig-node.backup} ({@link BackupArchive}) with the
 * home's node key, {@code node.yaml}, the SQLite index and {@code handles.sqlite}, encrypted with a
 * passphrase from {@code --passphrase-file} or {@code DIG_BACKUP_PASSPHRASE} (never a flag value).
 * Plots are not copied: a restored node finds them where its config points, or rebuilds its index
 * from them. Holds the home's lock, so a running node is refused (exit 3) and the SQLite files are
 * quiescent while read.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Write an encrypted backup of the node's key, config, index and handles (not its plots) to DIR.")
final class BackupCommand implements Callable<Integer> {
    static final String PASSPHRASE_ENV = "DIG_BACKUP_PASSPHRASE";
    static final String HANDLES = "handles.sqlite";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to write dig-node.backup into (created if missing).")
    Path dir;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "File whose first line is the passphrase (else $"
            + PASSPHRASE_ENV + ").")
    Path passphraseFile;

    @Override
    public Integer call() throws IOException, GeneralSecurityException {
        DigNodeCommand root = DigNodeCommand.root(spec);
        char[] passphrase = passphrase(passphraseFile, root.env());
        DigNodeCommand.NodeContext ctx = root.context();
        NodeHome home = ctx.home();
        if (!Files.exists(home.keyFile())) {
            throw CliException.usage("no node key in " + home.dir() + "; nothing to back up");
        }
        Path target = dir.toAbsolutePath().resolve(BackupArchive.FILE_NAME);
        if (Files.exists(target)) {
            throw CliException.usage(target + " exists; choose an empty directory");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (HomeLock lock = HomeLock.acquire(home, Clock.system().instant())) {
            add(files, home, home.keyFile());
            add(files, home, home.defaultConfigFile());
            Path index = home.indexFile(ctx.config());
            if (!index.startsWith(home.dir())) {
                throw CliException.usage("storage.index (" + index + ") is outside the data directory; back it up with its plots");
            }
            for (Path p : new Path[] {index, sibling(index, "-wal"), home.dir().resolve(HANDLES), sibling(home.dir().resolve(HANDLES), "-wal")}) {
                add(files, home, p);
            }
        }
        byte[] sealed = BackupArchive.seal(files, passphrase, new SecureRandom());
        Files.createDirectories(target.getParent());
        AtomicFiles.write(target, sealed, AtomicFiles.Publish.CREATE_NEW, "rw-------");
        spec.commandLine().getOut().println("Backed up " + String.join(", ", files.keySet()) + " to " + target);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private static Path sibling(Path p, String suffix) {
        return p.resolveSibling(p.getFileName() + suffix);
    }

    private static void add(Map<String, byte[]> files, NodeHome home, Path p) throws IOException {
        if (Files.isRegularFile(p)) {
            files.put(home.dir().relativize(p).toString(), Files.readAllBytes(p));
        }
    }

    /** The passphrase: the first line of {@code file}, else the environment variable; never empty. */
    static char[] passphrase(Path file, Map<String, String> env) {
        String value;
        if (file != null) {
            try {
                value = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw CliException.usage("--passphrase-file: cannot read " + file + ": " + e.getMessage());
            }
        } else {
            value = env.getOrDefault(PASSPHRASE_ENV, "");
        }
        if (value.isEmpty()) {
            throw CliException.usage("no passphrase: give --passphrase-file FILE or set " + PASSPHRASE_ENV);
        }
        return value.toCharArray();
    }
}
