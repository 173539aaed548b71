package net.dig.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Points Logback at the console (and optionally a file), replacing the bootstrap set-up of {@link BootstrapLogging}
 * (stderr, INFO). {@code start} logs to stdout, as services do; every other command logs to stderr
 * so that its stdout ({@code --json}) stays machine-readable.
 *
 * <p>Format: files and streams always get the JSON lines of {@link SeedJsonEncoder}; the console gets
 * them too unless {@link #consoleFormat} says {@link Format#TEXT} ({@link TextLogEncoder}), or
 * {@link Format#AUTO} and the process runs on a terminal ({@link Console#isTerminal()}: stdin and
 * stdout). The format is process state set once from {@code --log-format} / {@code monitoring.log_format}
 * before a command sets up its logging.
 */
final class LogSetup {
    enum Console { STDOUT, STDERR }

    /** {@code monitoring.log_format}. */
    enum Format {
        AUTO, TEXT, JSON;

        static Format parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    private static volatile Format consoleFormat = Format.AUTO;

    private LogSetup() {}

    /** The format of the console lines of every following set-up. */
    static void consoleFormat(Format format) {
        consoleFormat = format;
    }

    private static boolean textOnConsole() {
        return switch (consoleFormat) {
            case TEXT -> true;
            case JSON -> false;
            case AUTO -> System.console() != null && System.console().isTerminal();
        };
    }

    static void toConsole(Console console, String level, Optional<Path> logFile) {
        LoggerContext ctx = reset(level);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setTarget(console == Console.STDOUT ? "System.out" : "System.err");
        attach(ctx, appender, "console", textOnConsole());
        logFile.ifPresent(file -> {
            FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
            fileAppender.setFile(file.toString());
            fileAppender.setAppend(true);
            attach(ctx, fileAppender, "file", false);
        });
    }

    /**
     * Logs everything at {@code level} to {@code file} and only {@code consoleLevel} and above to the
     * console ({@code devnet}: many nodes, one terminal).
     */
    static void toFileAndConsole(Path file, String level, Console console, String consoleLevel) {
        LoggerContext ctx = reset(level);
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setFile(file.toString());
        fileAppender.setAppend(true);
        attach(ctx, fileAppender, "file", false);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setTarget(console == Console.STDOUT ? "System.out" : "System.err");
        ch.qos.logback.classic.filter.ThresholdFilter threshold = new ch.qos.logback.classic.filter.ThresholdFilter();
        threshold.setLevel(consoleLevel);
        threshold.start();
        appender.addFilter(threshold);
        attach(ctx, appender, "console", textOnConsole());
    }

    /** Logs JSON to a stream that is never closed by Logback (tests). */
    static void toStream(OutputStream out, String level) {
        toStream(out, level, Format.JSON);
    }

    /** Likewise, in {@code format} ({@link Format#AUTO} is JSON here). */
    static void toStream(OutputStream out, String level, Format format) {
        LoggerContext ctx = reset(level);
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws java.io.IOException {
                flush();
            }
        });
        attach(ctx, appender, "stream", format == Format.TEXT);
    }

    /** Sets the {@code node_id} of every following log line. */
    static void nodeId(String nodeId) {
        context().putProperty(SeedJsonEncoder.NODE_ID_PROPERTY, nodeId);
    }

    /** Flushes and closes the appenders (end of the process). */
    static void stop() {
        context().stop();
    }

    private static LoggerContext reset(String level) {
        LoggerContext ctx = context();
        String nodeId = ctx.getProperty(SeedJsonEncoder.NODE_ID_PROPERTY);
        ctx.reset();
        if (nodeId != null) {
            ctx.putProperty(SeedJsonEncoder.NODE_ID_PROPERTY, nodeId);
        }
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
        return ctx;
    }

    private static void attach(LoggerContext ctx, OutputStreamAppender<ILoggingEvent> appender, String name, boolean text) {
        LineEncoder encoder = text ? new TextLogEncoder() : new SeedJsonEncoder();
        encoder.setContext(ctx);
        encoder.start();
        appender.setContext(ctx);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
