package net.dig.node;

import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options of the commands that ask a running node's HTTP API ({@code peers}, {@code status}). */
final class NodeApiOptions {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--api", paramLabel = "HOST:PORT", description = "The running node's HTTP API (default: api.listen_address).")
    String api;

    /** Loads the configuration, logs to stderr, and finds the node ({@link RunningNode#locate}). */
    RunningNode locate(CommandSpec spec) {
        DigNodeCommand.NodeContext ctx = DigNodeCommand.root(spec).context();
        LogSetup.toConsole(LogSetup.Console.STDERR, ctx.config().monitoring().logLevel(), Optional.empty());
        return RunningNode.locate(ctx, api);
    }
}
