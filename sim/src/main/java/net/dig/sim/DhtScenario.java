package net.dig.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import net.dig.core.Bytes32;
import net.dig.gossip.DhtAddress;
import net.dig.gossip.DhtContact;
import net.dig.gossip.DhtLookupResult;
import net.dig.gossip.KademliaNode;
import net.dig.gossip.ProviderRecord;

/**
 * The {@code dht} scenario: provider discovery with the real {@link KademliaNode} on a {@link DhtNetwork}.
 *
 * <p>Timeline (virtual milliseconds):
 * <ol>
 *   <li>join: node 0 starts alone; node i joins at {@code 10 i} through a random earlier node
 *       ({@link KademliaNode#join});</li>
 *   <li>announce, 10 s after the last join: one datastore every 50 ms gets R random holders that call
 *       {@link KademliaNode#provide}; once all R announcements are acknowledged, a random node looks the key up
 *       with {@code wanted = R}. The datastore's <em>time to R holders</em> runs from the start of its announcements
 *       to the moment that lookup returns R providers;</li>
 *   <li>churn, 10 s after the last announcement: {@code churn × nodes} random nodes leave silently, and as many new
 *       nodes join (10 ms apart);</li>
 *   <li>measure, 1 s after the churn: one provider lookup every 20 ms, from a random live node, for a random
 *       datastore that still has a live holder, asking for R providers (a joining node asks once it knows a peer). It succeeds if it returns a record of a
 *       live holder. Rounds and requests per lookup come from {@link DhtLookupResult}.</li>
 * </ol>
 * No refresh or republish falls inside a run (both are hourly): the lookups meet routing tables as stale as
 * the churn left them.
 */
public final class DhtScenario {
    static final long JOIN_SPACING_MILLIS = 10;
    static final long ANNOUNCE_SPACING_MILLIS = 50;
    static final long LOOKUP_SPACING_MILLIS = 20;
    static final long SETTLE_MILLIS = 10_000;

    private DhtScenario() {}

    public static DhtReport run(DhtSpec spec) {
        long started = System.nanoTime();
        SplittableRandom scenario = new SplittableRandom(spec.seed());
        DhtNetwork net = new DhtNetwork(spec.links(), spec.dht(), new SplittableRandom(spec.seed() ^ 0x6A09E667F3BCC909L),
                spec.seed());
        int n = spec.nodes();
        int r = spec.replicas();
        net.addNode();
        for (int i = 1; i < n; i++) {
            int joining = net.addNode();
            net.at(i * JOIN_SPACING_MILLIS, joining, () -> join(net, joining, randomUp(net, scenario, joining)));
        }
        long announceAt = n * JOIN_SPACING_MILLIS + SETTLE_MILLIS;
        List<Bytes32> keys = new ArrayList<>();
        List<int[]> holders = new ArrayList<>();
        long[] readyMillis = new long[spec.datastores()];
        Arrays.fill(readyMillis, -1);
        int[] stored = new int[spec.datastores()];
        for (int d = 0; d < spec.datastores(); d++) {
            int datastore = d;
            byte[] storeId = new byte[Bytes32.SIZE];
            scenario.nextBytes(storeId);
            keys.add(ProviderRecord.storeKey(Bytes32.wrap(storeId)));
            holders.add(distinctUp(net, scenario, r, n));
            long at = announceAt + d * ANNOUNCE_SPACING_MILLIS;
            net.at(at, -1, () -> announce(net, scenario, keys.get(datastore), holders.get(datastore), r, at,
                    readyMillis, stored, datastore));
        }
        long churnAt = announceAt + spec.datastores() * ANNOUNCE_SPACING_MILLIS + SETTLE_MILLIS;
        int leaving = (int) Math.floor(spec.churn() * n);
        net.at(churnAt, -1, () -> {
            for (int i = 0; i < leaving; i++) {
                net.kill(randomUp(net, scenario, net.size()));
            }
            for (int i = 0; i < leaving; i++) {
                int joining = net.addNode();
                net.at(churnAt + i * JOIN_SPACING_MILLIS, joining, () -> join(net, joining, randomUp(net, scenario, joining)));
            }
        });
        long measureAt = churnAt + 1_000;
        List<DhtLookupResult> results = new ArrayList<>();
        int[] outcome = new int[3];
        for (int l = 0; l < spec.lookups(); l++) {
            net.at(measureAt + l * LOOKUP_SPACING_MILLIS, -1, () -> measure(net, scenario, keys, holders, r, results, outcome));
        }
        long lastLookup = measureAt + spec.lookups() * LOOKUP_SPACING_MILLIS;
        long limit = lastLookup + 100 * spec.dht().rpcTimeoutMillis();
        for (long t = lastLookup; t <= limit && outcome[0] + outcome[1] + outcome[2] < spec.lookups(); t += 1_000) {
            net.runUntil(t);
        }
        return DhtReport.of(spec, results, outcome[0], outcome[1], outcome[2], readyMillis, stored, leaving, net,
                (System.nanoTime() - started) / 1e9);
    }

    private static void join(DhtNetwork net, int joining, int via) {
        net.node(joining).join(List.of(DhtContact.of(net.node(via).self())), net.nowMillis());
    }

    private static void announce(DhtNetwork net, SplittableRandom scenario, Bytes32 key, int[] holders, int r, long start,
                                 long[] readyMillis, int[] stored, int datastore) {
        int[] remaining = {holders.length};
        for (int h : holders) {
            List<DhtAddress> addresses = List.of(new DhtAddress("10." + (h >>> 16 & 0xFF) + "." + (h >>> 8 & 0xFF) + "." + (h & 0xFF),
                    9444, DhtAddress.KIND_DIRECT));
            CompletableFuture<Integer> f = net.node(h).provide(key, addresses, net.nowMillis());
            net.wake(h);
            f.whenComplete((count, error) -> {
                stored[datastore] += error == null ? count : 0;
                if (--remaining[0] == 0) {
                    int asker = randomJoined(net, scenario);
                    net.node(asker).findProviders(key, r, net.nowMillis()).whenComplete((result, e) -> {
                        if (e == null && result.providers().size() >= r) {
                            readyMillis[datastore] = net.nowMillis() - start;
                        }
                    });
                    net.wake(asker);
                }
            });
        }
    }

    /** outcome[0] successes, [1] failures, [2] datastores without a live holder (not measured). */
    private static void measure(DhtNetwork net, SplittableRandom scenario, List<Bytes32> keys, List<int[]> holders, int r,
                                List<DhtLookupResult> results, int[] outcome) {
        int d = scenario.nextInt(keys.size());
        boolean anyLive = Arrays.stream(holders.get(d)).anyMatch(net::isUp);
        if (!anyLive) {
            outcome[2]++;
            return;
        }
        int asker = randomJoined(net, scenario);
        net.node(asker).findProviders(keys.get(d), r, net.nowMillis()).whenComplete((result, error) -> {
            if (error != null) {
                outcome[1]++;
                return;
            }
            results.add(result);
            boolean found = result.providers().stream().map(ProviderRecord::provider).anyMatch(net::isUp);
            outcome[found ? 0 : 1]++;
        });
        net.wake(asker);
    }

    /** A random live node with index below {@code bound}. */
    private static int randomUp(DhtNetwork net, SplittableRandom random, int bound) {
        while (true) {
            int i = random.nextInt(bound);
            if (net.isUp(i)) {
                return i;
            }
        }
    }

    /** A random live node that knows at least one other (a node still waiting to join cannot look anything up). */
    private static int randomJoined(DhtNetwork net, SplittableRandom random) {
        while (true) {
            int i = randomUp(net, random, net.size());
            if (net.node(i).routingTableSize() > 0) {
                return i;
            }
        }
    }

    private static int[] distinctUp(DhtNetwork net, SplittableRandom random, int count, int bound) {
        Set<Integer> chosen = new HashSet<>();
        while (chosen.size() < count) {
            chosen.add(randomUp(net, random, bound));
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
