package net.dig.node;

/**
 * A configuration value is wrong or unknown. {@link #key()} is the dotted path of the key as the
 * operator wrote it ({@code storage.max_plots}, {@code storage.plots_dir[1]}); the message starts with
 * it. The CLI turns this into exit code 2.
 */
final class ConfigException extends RuntimeException {
    private final String key;
    private final String problem;

    ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
        this.problem = problem;
    }

    String key() {
        return key;
    }

    String problem() {
        return problem;
    }

    /** The same problem, one level further out: {@code max_plots} under {@code storage}. */
    ConfigException under(String parent) {
        if (parent == null || parent.isEmpty()) {
            return this;
        }
        return new ConfigException(key.isEmpty() ? parent : parent + "." + key, problem);
    }
}
