package net.dig.wire;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a handle label obeys everywhere in the network (docs/api.md "Handles"), in one place so that
 * every node and the HTTP API refuse the same labels: a lower-case RFC 1123 label of 1..63 characters of
 * {@code [a-z0-9-]} that starts and ends with a letter or digit, and not one of the {@link #RESERVED} words
 * (names a gateway or a future registry needs for itself). Stateless.
 */
public final class HandleLabels {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    /** Labels nobody registers. */
    public static final Set<String> RESERVED = Set.of("admin", "api", "dig", "digs", "gateway", "localhost", "mail", "node",
            "nodes", "ns", "registry", "root", "status", "system", "www");

    private HandleLabels() {}

    /** Why {@code label} is not a well-formed label, or empty when it is (reserved words are well-formed). */
    public static Optional<String> malformed(String label) {
        if (label == null || !LABEL.matcher(label).matches()) {
            return Optional.of("a handle is a lower-case RFC 1123 label: 1..63 characters of [a-z0-9-], starting and"
                    + " ending with a letter or digit");
        }
        return Optional.empty();
    }

    public static boolean reserved(String label) {
        return RESERVED.contains(label);
    }
}
