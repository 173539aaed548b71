package net.dig.node;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Callable;
import net.dig.core.AtomicFiles;
import net.dig.core.AtomicFiles.Publish;
import net.dig.core.NodeIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node init}: creates the node's home (see {@link NodeHome}): plot and cache directories,
 * the Ed25519 node key (0600), and a default {@code node.yaml} (the seed's shape, commented). It is
 * idempotent: an existing key and config are kept (the config is validated). The effective config
 * is validated before anything is written, and node.yaml is written last, atomically, so its
 * presence means the layout is complete. It holds the home's lock ({@link HomeLock}) while it writes, so
 * it is refused while a node runs there.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create the data directory, the node key and a default node.yaml.")
final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        DigNodeCommand root = DigNodeCommand.root(spec);
        NodeHome home = root.home();
        Path configTarget = root.configFile != null
                ? NodeHome.expand(root.configFile.toString(), System.getProperty("user.home")).toAbsolutePath()
                : home.defaultConfigFile();
        boolean configExists = Files.exists(configTarget);
        NodeConfig config = ConfigLoader.load(configExists ? Optional.of(configTarget) : Optional.empty(),
                root.env(), root.flagSettings());
        if (Files.exists(home.dir()) && !Files.isDirectory(home.dir())) {
            throw CliException.usage("data directory " + home.dir() + " exists and is not a directory");
        }
        boolean keyExists = Files.exists(home.keyFile());

        Files.createDirectories(home.dir());
        try (HomeLock lock = HomeLock.acquire(home, net.dig.core.Clock.system().instant())) {
            return initialize(home, config, configTarget, configExists, keyExists);
        }
    }

    private int initialize(NodeHome home, NodeConfig config, Path configTarget, boolean configExists, boolean keyExists)
            throws IOException {
        for (Path dir : home.plotDirs(config)) {
            Files.createDirectories(dir);
        }
        Files.createDirectories(home.cacheDir(config));
        Files.createDirectories(home.indexFile(config).getParent());
        NodeIdentity identity = NodeIdentity.loadOrCreate(home.keyFile(), new SecureRandom());
        StorageWiring.initialize(new DigNodeCommand.NodeContext(home, config, Optional.of(configTarget)), identity);
        if (!configExists) {
            AtomicFiles.write(configTarget, ConfigLoader.defaultYaml().getBytes(StandardCharsets.UTF_8), Publish.CREATE_NEW);
        }

        PrintWriter out = spec.commandLine().getOut();
        out.println((configExists && keyExists ? "Already initialized: " : "Initialized ") + home.dir());
        out.println("  node id:  " + identity.nodeId() + (keyExists ? " (existing key)" : " (new key)"));
        out.println("  key:      " + home.keyFile());
        out.println("  config:   " + configTarget + (configExists ? " (kept)" : " (written)"));
        out.println("  plots:    " + String.join(", ", home.plotDirs(config).stream().map(Path::toString).toList()));
        out.println("  index:    " + home.indexFile(config));
        out.flush();
        return ExitCodes.OK;
    }
}
