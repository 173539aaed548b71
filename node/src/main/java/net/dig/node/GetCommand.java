package net.dig.node;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.Progress;
import net.dig.service.DatastoreDownload;
import net.dig.service.ErrorCode;
import net.dig.service.HandleRegistration;
import net.dig.service.ServiceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dig-node get ID|HANDLE}: downloads a datastore over the HTTP API of nodes, as a reader with no
 * peer identity of its own ({@link DatastoreDownload} verifies everything against the owner's signature,
 * stages next to {@code --out} and resumes).
 *
 * <p>Which nodes: the {@code --from} nodes, else the local node's API ({@code api.listen_address} of the
 * config, a wildcard host dialled as loopback). A handle is resolved by the first of them that knows it.
 * Each of them that does not hold the datastore is asked for the holders it knows (its 404 answer's
 * {@code providers}); those are added, at most {@link #MAX_NODES} nodes in all.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Download a datastore from nodes' HTTP APIs, verifying every byte against the owner's signature; "
                + "a rerun resumes.")
final class GetCommand implements Callable<Integer> {
    static final int MAX_NODES = 32;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID|HANDLE", description = "The datastore id (0x + 64 hex digits) or a handle.")
    String what;

    @Option(names = "--out", paramLabel = "PATH", description = "Where the file or directory is written (default: ./<id>); must not exist.")
    Path out;

    @Option(names = "--from", paramLabel = "HOST:PORT", description = "A node's HTTP API to download from (repeatable; default: the local node's API).")
    List<String> from = new ArrayList<>();

    @Option(names = "--parallel", paramLabel = "N", description = "Capsules fetched at once (1..256, default ${DEFAULT-VALUE}).")
    int parallel = 4;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Per request (default ${DEFAULT-VALUE}).")
    int timeoutSeconds = 60;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (parallel < 1 || parallel > 256) {
            throw CliException.usage("--parallel: must be within 1..256, got " + parallel);
        }
        if (timeoutSeconds < 1) {
            throw CliException.usage("--timeout: must be at least 1 second");
        }
        List<HostPort> first = new ArrayList<>();
        for (String f : from) {
            first.add(DigNodeCommand.hostPortFlag("--from", f));
        }
        NodeConfig config = DigNodeCommand.root(spec).context().config();
        boolean terminal = System.console() != null && System.console().isTerminal();
        LogSetup.toConsole(LogSetup.Console.STDERR, terminal ? "warn" : config.monitoring().logLevel(), Optional.empty());
        if (first.isEmpty()) {
            HostPort api = config.api().listenAddress();
            String host = api.host().equals("0.0.0.0") || api.host().equals("::") ? "127.0.0.1" : api.host();
            first.add(new HostPort(host, api.port()));
        }
        Optional<Bytes32> asId = parseId(what);
        if (asId.isEmpty()) {
            HandleRegistration.checkHandle(what);
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build()) {
            List<HttpNodeSource> nodes = new ArrayList<>();
            for (HostPort hp : first) {
                nodes.add(new HttpNodeSource(HttpNodeSource.baseOf(hp), client, timeout));
            }
            Bytes32 id = asId.isPresent() ? asId.get() : resolve(nodes, what);
            List<DatastoreDownload.Source> sources = withHolders(nodes, id, client, timeout);
            Path target = out != null ? out : Path.of(id.toHex());
            Progress progress = terminal ? new TerminalProgress(System.err)
                    : new JsonProgress("get", Clock.system(), Long.getLong(StorageSession.PROGRESS_INTERVAL_PROPERTY, 1000));
            DatastoreDownload.Result r = new DatastoreDownload(sources, parallel, progress).run(id, target);
            report(r, sources);
        }
        return ExitCodes.OK;
    }

    static Optional<Bytes32> parseId(String text) {
        if (text.matches("(0x)?[0-9a-fA-F]{64}")) {
            return Optional.of(Bytes32.fromHex(text.startsWith("0x") ? text : "0x" + text));
        }
        return Optional.empty();
    }

    private static Bytes32 resolve(List<HttpNodeSource> nodes, String handle) {
        List<String> problems = new ArrayList<>();
        for (HttpNodeSource n : nodes) {
            try {
                Optional<Bytes32> id = n.resolve(handle);
                if (id.isPresent()) {
                    return id.get();
                }
                problems.add(n.name() + ": unknown");
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        throw new ServiceException(ErrorCode.UNKNOWN_HANDLE, "handle " + handle + " did not resolve (" + String.join("; ", problems) + ")");
    }

    /** The given nodes, then the holders those that lack {@code id} point at, without repeats, at most {@link #MAX_NODES}. */
    private static List<DatastoreDownload.Source> withHolders(List<HttpNodeSource> nodes, Bytes32 id, HttpClient client,
            Duration timeout) {
        Map<URI, HttpNodeSource> all = new LinkedHashMap<>();
        nodes.forEach(n -> all.putIfAbsent(n.base(), n));
        for (HttpNodeSource n : nodes) {
            try {
                for (URI holder : n.holders(id)) {
                    if (all.size() < MAX_NODES) {
                        all.putIfAbsent(holder, new HttpNodeSource(holder, client, timeout));
                    }
                }
            } catch (IOException unreachable) {
                // the download reports each node it could not reach
            }
        }
        return new ArrayList<>(all.values());
    }

    private void report(DatastoreDownload.Result r, List<DatastoreDownload.Source> sources) {
        PrintWriter w = spec.commandLine().getOut();
        var v = r.manifest().version();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("datastore_id", v.datastoreId().toHex());
            o.put("version", v.version());
            o.put("merkle_root", v.merkleRoot().toHex());
            o.put("out", r.out().toString());
            o.put("total_size", v.totalSize());
            o.put("fetched_bytes", r.fetchedBytes());
            o.put("resumed_bytes", r.resumedBytes());
            o.put("nodes", sources.stream().map(DatastoreDownload.Source::name).toList());
            o.put("skipped_nodes", r.badSources());
            w.println(CliJson.write(o));
        } else {
            w.println("got " + v.datastoreId().toHex() + " version " + v.version() + " (" + v.totalSize() + " bytes, verified) -> "
                    + r.out() + (r.resumedBytes() > 0 ? " [resumed " + r.resumedBytes() + " bytes]" : ""));
            r.badSources().forEach(b -> w.println("skipped a node serving bad data: " + b));
        }
        w.flush();
    }
}
