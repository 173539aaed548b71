package net.dig.service;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of a selective node's whitelist or blacklist: a glob ({@code *} any run of characters,
 * {@code ?} one character, everything else literal, case-sensitive) matched against a datastore's
 * name, its registered handles and its id in hex.
 *
 * <p>A candidate matches when the glob matches its id (64 lower-case hex digits; a leading {@code 0x}
 * of the entry is ignored and the entry is lower-cased for this comparison), one of the handles
 * registered for it here, or its name. The signed record carries only the hash of the name: an entry
 * without {@code *} or {@code ?} is compared by that hash, so an exact name matches whether or not the
 * name is known; an entry with a wildcard matches names only when the name is known (offered with the
 * version and checked against that hash, or held here). {@link #undecided} says when that is missing.
 */
record DatastorePattern(String glob, Pattern compiled, Pattern hexCompiled) {
    static DatastorePattern of(String glob) {
        Objects.requireNonNull(glob, "glob");
        if (glob.isBlank()) {
            throw new IllegalArgumentException("a datastore pattern must not be blank");
        }
        String hex = glob.toLowerCase(Locale.ROOT);
        if (hex.startsWith("0x")) {
            hex = hex.substring(2);
        }
        return new DatastorePattern(glob, compile(glob), compile(hex));
    }

    boolean wildcard() {
        return glob.indexOf('*') >= 0 || glob.indexOf('?') >= 0;
    }

    /** Whether this entry might match {@code c}'s name but cannot tell: a wildcard, and the name is not known. */
    boolean undecided(HoldingCandidate c) {
        return wildcard() && c.name().isEmpty();
    }

    boolean matches(HoldingCandidate c) {
        if (hexCompiled.matcher(c.datastoreId().toHex().substring(2)).matches()) {
            return true;
        }
        if (c.handles().stream().anyMatch(h -> compiled.matcher(h).matches())) {
            return true;
        }
        if (!wildcard()) {
            return c.namedExactly(glob);
        }
        return c.name().map(n -> compiled.matcher(n).matches()).orElse(false);
    }

    private static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            if (ch == '*' || ch == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(ch == '*' ? ".*" : ".");
            } else {
                literal.append(ch);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
