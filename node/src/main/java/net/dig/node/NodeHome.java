package net.dig.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's home directory and every path derived from it. Chosen by {@code --data-dir}, else the
 * {@code DIG_NODE_HOME} environment variable, else {@code ~/.dig-node}, so several nodes can live on
 * one machine. Layout (relative config paths resolve against it):
 * <pre>
 * &lt;home&gt;/node.yaml      configuration (written by init; optional)
 * &lt;home&gt;/node.key       Ed25519 node key, 0600
 * &lt;home&gt;/index.sqlite   SQLite index (storage.index)
 * &lt;home&gt;/plots/         plot files (storage.plots_dir, one or more)
 * &lt;home&gt;/cache/         cache tier (storage.cache_dir)
 * </pre>
 */
record NodeHome(Path dir) {
    static final String HOME_ENV = "DIG_NODE_HOME";

    NodeHome {
        dir = dir.toAbsolutePath().normalize();
    }

    static NodeHome resolve(Optional<Path> flag, Map<String, String> env, String userHome) {
        if (flag.isPresent()) {
            return new NodeHome(expand(flag.get().toString(), userHome));
        }
        String fromEnv = env.get(HOME_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new NodeHome(expand(fromEnv, userHome));
        }
        return new NodeHome(Path.of(userHome, ".dig-node"));
    }

    /** {@code ~} and {@code ~/x} are the user's home; everything else is taken as written. */
    static Path expand(String path, String userHome) {
        if (path.equals("~")) {
            return Path.of(userHome);
        }
        if (path.startsWith("~/")) {
            return Path.of(userHome, path.substring(2));
        }
        return Path.of(path);
    }

    Path defaultConfigFile() {
        return dir.resolve("node.yaml");
    }

    Path keyFile() {
        return dir.resolve("node.key");
    }

    /** A path from the config: absolute as written, relative ones under the home. */
    Path resolve(String configured) {
        return dir.resolve(expand(configured, System.getProperty("user.home"))).normalize();
    }

    List<Path> plotDirs(NodeConfig config) {
        return config.storage().plotsDir().stream().map(this::resolve).toList();
    }

    Path cacheDir(NodeConfig config) {
        return resolve(config.storage().cacheDir());
    }

    Path indexFile(NodeConfig config) {
        return resolve(config.storage().index());
    }

    Optional<Path> logFile(NodeConfig config) {
        return config.monitoring().logFilePath().map(this::resolve);
    }
}
