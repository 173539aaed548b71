package net.dig.node;

import java.io.PrintWriter;
import java.util.Map;

/** Entry point of the {@code dig-node} command; see {@link DigNodeCommand}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        LogSetup.stop();
        System.exit(code);
    }

    /** Runs one command line with the given environment and streams; returns the exit code. */
    static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        return DigNodeCommand.commandLine(env, out, err, args).execute(args);
    }
}
