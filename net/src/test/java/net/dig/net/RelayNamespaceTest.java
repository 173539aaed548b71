package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.dig.testkit.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node behind a NAT, in network namespaces this test creates: {@code drpub} (the relay and an outside node,
 * 10.77.1.0/24), {@code drnat} (a router masquerading 10.77.2.0/24 behind 10.77.1.254 with nftables) and
 * {@code drin} (the hidden node, 10.77.2.2). The outside node cannot reach the hidden node's listener; it reaches
 * it through the relay; when the relay process dies and comes back, the hidden node registers again. The hidden
 * node's DHT provider records list its relay first, and another node's lookup reaches it through that relay.
 *
 * <p>Needs root, {@code ip} and {@code nft} (installed from Debian here when missing); without them the test is
 * skipped, and under {@code CI=true} it fails saying why. Each process is a JVM started with {@code ip netns exec}.
 */
@Timeout(240)
class RelayNamespaceTest {
    private static final String[] NAMESPACES = {"drpub", "drnat", "drin"};
    private static final long LINE_SECONDS = 60;
    @TempDir Path dir;
    private final List<Child> children = new ArrayList<>();

    private String ca;
    private String caKey;

    @BeforeEach
    void setUp() throws Exception {
        requireNamespaces();
        buildTopology();
        TestPki pki = new TestPki(dir.resolve("pki"), Instant.now());
        ca = pki.caCertificatePath().toString();
        caKey = pki.caKeyPath().toString();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Child c : children) {
            c.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (String ns : NAMESPACES) {
            run(false, "ip", "netns", "del", ns);
        }
    }

    @Test
    void aNodeBehindTheNatIsReachedOnlyThroughTheRelayAndReconnectsWhenTheRelayDrops() throws Exception {
        Child relay = start("drpub", "relay", "relay", ca, caKey, "10.77.1.1", "9450");
        relay.expect("READY");
        Child hidden = start("drin", "node", "hidden", ca, caKey, "10.77.2.2", "10.77.1.1:9450");
        String[] hiddenPeer = hidden.expect("PEER").split(" ");
        String registered = hidden.expect("REGISTERED").substring("REGISTERED ".length());
        assertThat(registered).isEqualTo("relay://10.77.1.1:9450/" + hiddenPeer[1]);
        Child outside = start("drpub", "node", "outside", ca, caKey, "10.77.1.1", "-");
        outside.expect("PEER");

        outside.send("direct 10.77.2.2:" + hiddenPeer[2]);
        assertThat(outside.expect("FAILED")).contains("cannot connect");
        outside.send("dial " + registered);
        assertThat(outside.expect("DIALED")).isEqualTo("DIALED " + hiddenPeer[1]);

        relay.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Child again = start("drpub", "relay", "relay", ca, caKey, "10.77.1.1", "9450");
        again.expect("READY");
        assertThat(hidden.expect("REGISTERED")).isEqualTo("REGISTERED " + registered);
        outside.send("dial " + registered);
        assertThat(outside.expect("DIALED")).isEqualTo("DIALED " + hiddenPeer[1]);
    }

    @Test
    void aNodeBehindTheNatIsFoundThroughTheDhtAtItsRelayAndALookupReachesItThere() throws Exception {
        start("drpub", "relay", "relay", ca, caKey, "10.77.1.1", "9450").expect("READY");
        Child hidden = start("drin", "node", "hidden", ca, caKey, "10.77.2.2", "10.77.1.1:9450");
        String[] hiddenPeer = hidden.expect("PEER").split(" ");
        hidden.expect("REGISTERED");
        // the hidden node's own PeerId as the key: the closest possible node to it, so every lookup of it asks that node
        String key = hiddenPeer[1];
        Child meeting = start("drpub", "node", "meeting", ca, caKey, "10.77.1.1", "-");
        String[] meetingPeer = meeting.expect("PEER").split(" ");
        hidden.send("direct 10.77.1.1:" + meetingPeer[2]);
        assertThat(hidden.expect("DIALED")).isEqualTo("DIALED " + meetingPeer[1]);
        hidden.send("provide " + key);
        assertThat(Integer.parseInt(hidden.expect("PROVIDED").split(" ")[1])).isPositive();
        // the seeker comes later, so the hidden node's own lookups never met it
        Child seeker = start("drpub", "node", "seeker", ca, caKey, "10.77.1.1", "-");
        seeker.expect("PEER");
        seeker.send("direct 10.77.1.1:" + meetingPeer[2]);
        assertThat(seeker.expect("DIALED")).isEqualTo("DIALED " + meetingPeer[1]);
        hidden.send("relayed");
        assertThat(hidden.expect("RELAYED")).isEqualTo("RELAYED 0");

        seeker.send("find " + key);
        assertThat(seeker.expect("FOUND")).as("the relay first, then the listener behind the NAT")
                .isEqualTo("FOUND " + hiddenPeer[1] + " 1:10.77.1.1:9450,0:10.77.2.2:" + hiddenPeer[2]);
        assertThat(seeker.expect("FOUND")).isEqualTo("FOUND end");
        seeker.send("await " + hiddenPeer[1]);
        assertThat(seeker.expect("CONNECTED")).as("the lookup asked the hidden node, through its relay").isEqualTo("CONNECTED true");
        hidden.send("relayed");
        assertThat(hidden.expect("RELAYED")).isEqualTo("RELAYED 1");
    }

    private void requireNamespaces() throws Exception {
        String why = null;
        if (!"0".equals(output("id", "-u").strip())) {
            why = "network namespaces need root";
        } else if (run(false, "ip", "-V") != 0) {
            why = "the ip command (iproute2) is missing";
        } else if (run(false, "nft", "--version") != 0 && run(false, "apt-get", "install", "-y", "--no-install-recommends", "nftables") != 0) {
            why = "nft is missing and apt-get could not install nftables";
        }
        if (why != null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("RelayNamespaceTest cannot run under CI: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
    }

    private void buildTopology() throws Exception {
        for (String ns : NAMESPACES) {
            run(false, "ip", "netns", "del", ns);
            must("ip", "netns", "add", ns);
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "link", "add", "drpub0", "netns", "drpub", "type", "veth", "peer", "name", "drnat0", "netns", "drnat");
        must("ip", "link", "add", "drin0", "netns", "drin", "type", "veth", "peer", "name", "drnat1", "netns", "drnat");
        must("ip", "-n", "drpub", "addr", "add", "10.77.1.1/24", "dev", "drpub0");
        must("ip", "-n", "drnat", "addr", "add", "10.77.1.254/24", "dev", "drnat0");
        must("ip", "-n", "drnat", "addr", "add", "10.77.2.1/24", "dev", "drnat1");
        must("ip", "-n", "drin", "addr", "add", "10.77.2.2/24", "dev", "drin0");
        for (String[] link : new String[][] {{"drpub", "drpub0"}, {"drnat", "drnat0"}, {"drnat", "drnat1"}, {"drin", "drin0"}}) {
            must("ip", "-n", link[0], "link", "set", link[1], "up");
        }
        must("ip", "-n", "drin", "route", "add", "default", "via", "10.77.2.1");
        must("ip", "netns", "exec", "drnat", "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Path rules = dir.resolve("nat.nft");
        Files.writeString(rules, """
                table ip drnat {
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "drnat0" masquerade
                  }
                  chain forward {
                    type filter hook forward priority filter; policy drop;
                    iifname "drnat1" oifname "drnat0" accept
                    ct state established,related accept
                  }
                }
                """);
        must("ip", "netns", "exec", "drnat", "nft", "-f", rules.toString());
    }

    private Child start(String ns, String role, String name, String ca, String caKey, String host, String last) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name + "-" + children.size()));
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                RelayNetnsMain.class.getName(), role, home.toString(), ca, caKey, host, last));
        Process p = new ProcessBuilder(cmd).redirectError(home.resolve("stderr.txt").toFile()).start();
        Child c = new Child(p, new LinkedBlockingQueue<>(), new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8), name);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    c.lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        children.add(c);
        return c;
    }

    private record Child(Process process, BlockingQueue<String> lines, PrintWriter in, String name) {
        void send(String line) {
            in.println(line);
        }

        /** The next line starting with {@code prefix} (others skipped), within {@link #LINE_SECONDS}. */
        String expect(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LINE_SECONDS);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError(name + " printed no line starting " + prefix + " within " + LINE_SECONDS + " s");
                }
                if (line.startsWith(prefix) || line.startsWith("FAILED") && !prefix.equals("FAILED")) {
                    return line;
                }
            }
        }
    }

    private static void must(String... cmd) throws Exception {
        if (run(true, cmd) != 0) {
            throw new AssertionError("failed: " + String.join(" ", cmd));
        }
    }

    private static int run(boolean show, String... cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            if (show && p.exitValue() != 0) {
                System.err.println(String.join(" ", cmd) + ": " + new String(out, StandardCharsets.UTF_8));
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
