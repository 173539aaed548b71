package net.dig.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads {@code name = hex} lines from {@code src/test/resources/vectors/<file>}; '#' starts a comment. */
final class Vectors {
    private Vectors() {}

    static Map<String, byte[]> load(String file) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing vector file " + file);
            }
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                int eq = t.indexOf('=');
                out.put(t.substring(0, eq).strip(), HexFormat.of().parseHex(t.substring(eq + 1).strip()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] get(String file, String name) {
        byte[] v = load(file).get(name);
        if (v == null) {
            throw new IllegalStateException("no vector " + name + " in " + file);
        }
        return v;
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }
}
