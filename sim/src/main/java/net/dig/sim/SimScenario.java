package net.dig.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The situations the simulator reproduces (issue 5). */
public enum SimScenario {
    /** No faults: the tree settles during warm-up, then measured broadcasts from random origins. */
    STEADY,
    /** 20 % of the nodes fail at once; measured broadcasts start at the moment of failure. */
    FAILURE,
    /** The overlay is cut in two halves (links silently drop), broadcasts happen on each side, then it heals. */
    PARTITION,
    /** Nodes keep leaving and new ones joining (each with fresh links) while measured broadcasts run. */
    CHURN,
    /** One node announces ids it does not have and swallows every payload. */
    BYZANTINE,
    /** Provider discovery over the Kademlia DHT with churn; runs through {@link DhtScenario}, not {@link SimRunner}. */
    DHT,
    /** Origin privacy of transactions against 10 % spies, with and without Dandelion++; runs through {@link DandelionScenario}. */
    DANDELION,
    /** Transaction relay, ERLAY against flooding; runs through {@link ErlayScenario}, not {@link SimRunner}. */
    ERLAY,
    /** Re-replication after 20 % of the nodes vanish; runs through {@link RereplicationScenario}. */
    REREPLICATION;

    /** The scenarios {@link SimRunner} runs: every one but {@link #DHT}, {@link #DANDELION}, {@link #ERLAY} and {@link #REREPLICATION}. */
    public static java.util.List<SimScenario> broadcastScenarios() {
        return Arrays.stream(values()).filter(s -> s != DHT && s != DANDELION && s != ERLAY && s != REREPLICATION).toList();
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SimScenario parse(String name) {
        for (SimScenario s : values()) {
            if (s.cliName().equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + name + "'; expected one of "
                + Arrays.stream(values()).map(SimScenario::cliName).collect(Collectors.joining(", ")));
    }
}
