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
 *   <li>3: the data directory is in use: another node or command holds its lock ({@link HomeLock});
 *       the message names its pid. Nothing was done.</li>
 *   <li>4: the index cannot be read (damaged, truncated, not an index, another schema); the message
 *       names the command that rebuilds it from the plot files, {@code dig-node index rebuild}.</li>
 *   <li>5: an address the node listens on is taken; the message names the address and its config key.
 *       The data directory is left as it was.</li>
 * </ul>
 * Storage and service failures take theirs from the error table ({@code net.dig.service.ErrorCode},
 * whose {@code Exit} values are these).
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = net.dig.service.ErrorCode.Exit.FAILED;
    static final int USAGE = net.dig.service.ErrorCode.Exit.USAGE;
    static final int HOME_LOCKED = net.dig.service.ErrorCode.Exit.HOME_LOCKED;
    static final int INDEX_CORRUPT = net.dig.service.ErrorCode.Exit.INDEX_CORRUPT;
    static final int PORT_IN_USE = net.dig.service.ErrorCode.Exit.PORT_IN_USE;

    private ExitCodes() {}
}
