package net.dig.node;

/**
 * The exit codes of every command.
 * <ul>
 *   <li>0: success.</li>
 *   <li>1: the operation failed: an I/O or storage error, a full disk, a verification that found bad
 *       plots or capsules, an unexpected error.</li>
 *   <li>2: the request was wrong and nothing was done: an unknown flag or subcommand, a bad or unknown
 *       configuration key or value, a path that does not exist or cannot be read, a malformed hex id,
 *       an unknown datastore or plot id.</li>
 * </ul>
 * Storage and service failures take theirs from the error table ({@code net.dig.service.ErrorCode},
 * whose {@code Exit} values are these).
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = net.dig.service.ErrorCode.Exit.FAILED;
    static final int USAGE = net.dig.service.ErrorCode.Exit.USAGE;

    private ExitCodes() {}
}
