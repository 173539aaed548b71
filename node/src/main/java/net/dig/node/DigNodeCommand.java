package net.dig.node;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import net.dig.core.BuildVersion;
import net.dig.node.ConfigLoader.Setting;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code dig-node} command line (picocli).
 *
 * <p>Design: option classes only map flags into configuration ({@link ConfigLoader.Setting}s and
 * the home directory); all behaviour lives in the command bodies, which load one {@link NodeContext}
 * and report failures by throwing {@link CliException} or {@link ConfigException}. The exception
 * handler installed by {@link #commandLine} turns each into one line on stderr and an exit code
 * ({@link ExitCodes}): 2 when the request was wrong (nothing was done), 1 when the work failed.
 * Bad input is checked before anything is written, so a rejected command leaves the disk unchanged.
 *
 * <p>Streams: results go to {@code out} (plain text, or JSON with {@code --json}); messages and
 * logs go to {@code err}, so {@code out} stays machine-readable.
 */
@Command(name = "dig-node",
        mixinStandardHelpOptions = true,
        versionProvider = DigNodeCommand.Version.class,
        description = "A DIG Network storage node: datastores in crash-safe plot files, served over HTTP with Merkle proofs.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:the operation failed (I/O or storage error, full disk, verification found problems)",
                "2:bad request, nothing done (unknown flag, bad config, missing path, malformed or unknown id)",
                "3:the data directory is in use by another node or command (its pid is named)",
                "4:the index cannot be read; 'dig-node index rebuild' rebuilds it from the plots",
                "5:an address to listen on is taken (the address and its config key are named)"},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  DIG_NODE_HOME                 the data directory when --data-dir is not given",
                "  DIG_NODE_<SECTION>_<KEY>      overrides node.yaml, e.g. DIG_NODE_NETWORK_MAX_PEERS=50"})
final class DigNodeCommand implements Callable<Integer> {
    /** {@code --version}: the build's version ({@link BuildVersion}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dig-node " + BuildVersion.current()};
        }
    }

    @Spec
    CommandSpec spec;

    @Option(scope = ScopeType.INHERIT, names = "--data-dir", paramLabel = "DIR",
            description = "The node's home: config, key, index, plots (default: $DIG_NODE_HOME, else ~/.dig-node).")
    Path dataDir;

    @Option(scope = ScopeType.INHERIT, names = "--config", paramLabel = "FILE",
            description = "The YAML config file (default: <data-dir>/node.yaml when it exists, else built-in defaults).")
    Path configFile;

    @Option(scope = ScopeType.INHERIT, names = "--set", paramLabel = "SECTION.KEY=VALUE",
            description = "Override one config key, e.g. --set network.max_peers=50 (repeatable; lists comma-separated).")
    List<String> settings = new ArrayList<>();

    @Option(scope = ScopeType.INHERIT, names = "--plots", paramLabel = "DIR", description = "Plot directory (storage.plots_dir; repeatable).")
    List<String> plots = new ArrayList<>();

    @Option(scope = ScopeType.INHERIT, names = "--cache", paramLabel = "DIR", description = "Cache directory (storage.cache_dir).")
    String cache;

    @Option(scope = ScopeType.INHERIT, names = "--log-level", paramLabel = "LEVEL",
            description = "trace, debug, info, warn or error (monitoring.log_level).")
    String logLevel;

    @Option(scope = ScopeType.INHERIT, names = "--log-format", paramLabel = "FORMAT",
            description = "Console log lines: auto (text on a terminal), text or json (monitoring.log_format).")
    String logFormat;

    private final Map<String, String> env;

    DigNodeCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The subcommands, in the order {@code --help} lists them. */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands(InitCommand.class, StartCommand.class, DatastoreCommand.class,
            PlotCommand.class, IndexCommand.class, BackupCommand.class, RestoreCommand.class, SimCommand.class, PeersCommand.class,
            IntroducerCommand.class, RelayCommand.class, DevnetCommand.class, GetCommand.class, StatusCommand.class,
            CommandLine.HelpCommand.class);

    private static Map<String, Class<?>> subcommands(Class<?>... classes) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> c : classes) {
            byName.put(c.getAnnotation(Command.class).name(), c);
        }
        return byName;
    }

    /** A command line wired with the exit-code rules, with every subcommand; the tests run it. */
    static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err) {
        return commandLine(env, out, err, null);
    }

    /**
     * Likewise, for running {@code args} ({@code Main}): when they name a subcommand, only that one is
     * registered. Picocli builds the model of every registered command by reflection before it parses,
     * which costs more start-up than most commands' own work; with one subcommand the parse, the errors
     * and that command's help are the same, and anything else (no command, {@code help}, {@code
     * --help}, an unknown word) gets the whole tree.
     */
    static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err, String[] args) {
        CommandLine cl = new CommandLine(new DigNodeCommand(env));
        Class<?> only = args == null ? null : named(cl.getCommandSpec(), args);
        for (Class<?> c : SUBCOMMANDS.values()) {
            if (only == null || c == only) {
                cl.addSubcommand(c);
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(DigNodeCommand::handle);
        cl.setHelpFactory(new HelpLayout());
        return cl;
    }

    /** The subcommand {@code args} name (their first word that is neither a root option nor its value), or null. */
    private static Class<?> named(CommandSpec root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("-")) {
                CommandLine.Model.OptionSpec option = root.findOption(a);
                if (option != null && option.arity().max() > 0) {
                    i++; // its value, which may look like a command name
                }
                continue;
            }
            Class<?> c = SUBCOMMANDS.get(a);
            return c == CommandLine.HelpCommand.class ? null : c;
        }
        return null;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    static DigNodeCommand root(CommandSpec spec) {
        return (DigNodeCommand) spec.root().userObject();
    }

    Map<String, String> env() {
        return env;
    }

    NodeHome home() {
        return NodeHome.resolve(Optional.ofNullable(dataDir), env, System.getProperty("user.home"));
    }

    /** Settings from the flags, in the order they take effect (the generic --set last). */
    List<Setting> flagSettings() {
        return flagSettings(List.of());
    }

    /** Likewise, with a subcommand's own shorthands (e.g. {@code start --network-id}) before --set. */
    List<Setting> flagSettings(List<Setting> commandFlags) {
        List<Setting> out = new ArrayList<>();
        if (!plots.isEmpty()) {
            for (String p : plots) {
                if (p.contains(",")) {
                    throw new ConfigException("--plots " + p, "a directory name may not contain a comma here; use node.yaml");
                }
            }
            out.add(new Setting("storage.plots_dir", String.join(",", plots), "--plots"));
        }
        if (cache != null) {
            out.add(new Setting("storage.cache_dir", cache, "--cache"));
        }
        if (logLevel != null) {
            out.add(new Setting("monitoring.log_level", logLevel, "--log-level"));
        }
        if (logFormat != null) {
            out.add(new Setting("monitoring.log_format", logFormat, "--log-format"));
        }
        out.addAll(commandFlags);
        for (String s : settings) {
            out.add(Setting.parse(s));
        }
        return out;
    }

    /** The config file to read: the flag (must exist), else home/node.yaml when it exists. */
    Optional<Path> configSource(NodeHome home) {
        if (configFile != null) {
            return Optional.of(NodeHome.expand(configFile.toString(), System.getProperty("user.home")).toAbsolutePath());
        }
        Path implicit = home.defaultConfigFile();
        return Files.exists(implicit) ? Optional.of(implicit) : Optional.empty();
    }

    /** A {@code host:port} flag value; a usage error (exit 2) naming the flag otherwise. */
    static HostPort hostPortFlag(String flag, String value) {
        if (!value.matches("[^\\s/]+:\\d{1,5}") || Integer.parseInt(value.substring(value.lastIndexOf(':') + 1)) > 65535) {
            throw CliException.usage(flag + ": must be host:port, got \"" + value + "\"");
        }
        return HostPort.parse(value);
    }

    /** Home and validated config; throws {@link ConfigException} (exit 2) on any bad value. */
    NodeContext context() {
        return context(List.of());
    }

    /** Likewise, with a subcommand's own shorthand flags. */
    NodeContext context(List<Setting> commandFlags) {
        NodeHome home = home();
        Optional<Path> source = configSource(home);
        NodeConfig config = ConfigLoader.load(source, env, flagSettings(commandFlags));
        LogSetup.consoleFormat(LogSetup.Format.parse(config.monitoring().logFormat()));
        return new NodeContext(home, config, source);
    }

    private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        int code;
        switch (ex) {
            case CliException e -> {
                err.println("dig-node: " + e.getMessage());
                code = e.exitCode();
            }
            case ConfigException e -> {
                err.println("dig-node: invalid configuration: " + e.getMessage());
                code = ExitCodes.USAGE;
            }
            default -> {
                String hint = StorageErrors.indexCorrupt(ex)
                        ? "; the plots are intact: rebuild the index from them with: "
                                + StorageErrors.repairCommand(((DigNodeCommand) cl.getCommandSpec().root().userObject()).home())
                        : "";
                err.println("dig-node: " + StorageErrors.describe(ex) + hint);
                code = StorageErrors.exitCode(ex);
            }
        }
        err.flush();
        return code;
    }

    /** What every command works with: where the node lives and how it is configured. */
    record NodeContext(NodeHome home, NodeConfig config, Optional<Path> configSource) {}
}
