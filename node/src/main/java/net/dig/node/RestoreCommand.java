package net.dig.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.dig.core.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node restore DIR}: writes the files of {@code DIR/dig-node.backup} into an empty (or
 * missing) data directory. The whole backup is decrypted and verified first; a wrong passphrase (or a
 * damaged backup) is exit 2 and nothing is written. A write that fails removes what it wrote. Plots
 * are not in a backup: point the restored node at them ({@code --plots}, {@code storage.plots_dir}); if
 * they moved, {@code dig-node index rebuild} re-indexes them.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a backup written by 'dig-node backup' into an empty data directory.")
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory holding dig-node.backup.")
    Path dir;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "File whose first line is the passphrase (else $"
            + BackupCommand.PASSPHRASE_ENV + ").")
    Path passphraseFile;

    @Override
    public Integer call() throws IOException {
        DigNodeCommand root = DigNodeCommand.root(spec);
        char[] passphrase = BackupCommand.passphrase(passphraseFile, root.env());
        NodeHome home = root.home();
        Path source = dir.toAbsolutePath().resolve(BackupArchive.FILE_NAME);
        if (!Files.isRegularFile(source)) {
            throw CliException.usage("no backup at " + source);
        }
        if (Files.exists(home.dir())) {
            try (var entries = Files.list(home.dir())) {
                if (entries.findAny().isPresent()) {
                    throw CliException.usage(home.dir() + " is not empty; restore into a new data directory");
                }
            }
        }
        Map<String, byte[]> files;
        try {
            files = BackupArchive.open(Files.readAllBytes(source), passphrase);
        } catch (BackupArchive.WrongPassphrase e) {
            throw CliException.usage(e.getMessage() + "; nothing was written");
        } catch (IOException e) {
            throw CliException.usage(source + ": " + e.getMessage() + "; nothing was written");
        }
        List<Path> written = new ArrayList<>();
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path target = home.dir().resolve(f.getKey()).normalize();
                if (!target.startsWith(home.dir())) {
                    throw CliException.usage("the backup names a file outside the data directory: " + f.getKey());
                }
                Files.createDirectories(target.getParent());
                AtomicFiles.write(target, f.getValue(), AtomicFiles.Publish.CREATE_NEW, "rw-------");
                written.add(target);
            }
        } catch (IOException | RuntimeException e) {
            for (Path p : written) {
                Files.deleteIfExists(p);
            }
            throw e;
        }
        spec.commandLine().getOut().println("Restored " + String.join(", ", files.keySet()) + " into " + home.dir());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
