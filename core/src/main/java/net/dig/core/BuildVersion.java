package net.dig.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build, exactly as Maven's {@code project.version} (for example
 * {@code 0.1.0-SNAPSHOT}), and the one place that knows it: the CLI's {@code --version}, the
 * {@code version} field of the start-up log and the HTTP API's {@code /node/status} all show this
 * string.
 *
 * <p>Source: the resource {@code net/dig/core/version.properties}, whose {@code version} key Maven's
 * resource filtering fills in at build time. A missing resource or an unfiltered placeholder is a
 * broken build and fails loudly rather than reporting a made-up version.
 */
public final class BuildVersion {
    static final String RESOURCE = "version.properties";
    private static final String VERSION = load();

    private BuildVersion() {}

    /** The Maven project version of this build. */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource net/dig/core/" + RESOURCE);
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version", "").strip();
        if (v.isEmpty() || v.contains("${")) {
            throw new IllegalStateException("net/dig/core/" + RESOURCE + " was not filtered by the build: version=" + v);
        }
        return v;
    }
}
