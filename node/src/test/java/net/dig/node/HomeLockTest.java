package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock within one process, and how a bind failure met after the pre-start check is explained. */
class HomeLockTest {
    @TempDir
    Path tmp;

    @Test
    void aHeldHomeIsRefusedInThisProcessTooAndFreedByClose() throws Exception {
        NodeHome home = new NodeHome(tmp);
        Instant t = Instant.parse("2026-01-02T03:04:05Z");
        try (HomeLock held = HomeLock.acquire(home, t)) {
            assertThat(Files.readString(tmp.resolve(HomeLock.FILE)))
                    .isEqualTo("pid=" + ProcessHandle.current().pid() + "\nstarted=2026-01-02T03:04:05Z\n");
            assertThatThrownBy(() -> HomeLock.acquire(home, t)).isInstanceOfSatisfying(CliException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCodes.HOME_LOCKED);
                assertThat(e.getMessage()).contains("pid " + ProcessHandle.current().pid()).contains(tmp.toString());
            });
            CliRun.Result init = new CliRun(tmp, Map.of()).run("init");
            assertThat(init.code()).as(init.err()).isEqualTo(ExitCodes.HOME_LOCKED);
            assertThat(tmp.resolve("node.key")).doesNotExist();
        }
        HomeLock.acquire(home, t).close();
    }

    @Test
    void aBindFailureIsExplainedByTheListenerThatIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Listeners.Listener> listeners = List.of(
                    new Listeners.Listener("the P2P listener", "network.listen_address", new HostPort("127.0.0.1", 0)),
                    new Listeners.Listener("the HTTP API", "api.listen_address", new HostPort("127.0.0.1", taken.getLocalPort())));
            RuntimeException failure = new IllegalStateException("cannot start", new BindException("Address already in use"));
            assertThat(Listeners.explain(failure, listeners)).hasValueSatisfying(e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCodes.PORT_IN_USE);
                assertThat(e.getMessage()).contains("127.0.0.1:" + taken.getLocalPort()).contains("api.listen_address");
            });
            assertThat(Listeners.explain(new IllegalStateException("something else"), listeners)).isEmpty();
        }
    }
}
