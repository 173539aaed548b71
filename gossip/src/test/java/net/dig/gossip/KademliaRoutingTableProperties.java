package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KademliaRoutingTableProperties {
    /** Reading the target's bucket, then those below, then those above, gives the order of a full sort. */
    @Test
    void closestIsTheNearestContactsInXorOrder() {
        PropertyRunner.tries(50).check(g -> {
            PeerId self = new PeerId(Bytes32.wrap(g.bytes(32)));
            int k = g.ints(1, 20);
            KademliaRoutingTable table = new KademliaRoutingTable(self, k, g.ints(0, 4));
            List<DhtContact> known = new ArrayList<>();
            for (int i = g.ints(0, 300); i > 0; i--) {
                byte[] id = g.bytes(32);
                if (g.bool()) {
                    id[0] = self.value().get(0);
                }
                DhtContact c = DhtContact.of(new PeerId(Bytes32.wrap(id)));
                if (!table.contains(c.id()) && table.seen(c, 0).isEmpty() && table.contains(c.id())) {
                    known.add(c);
                }
            }
            Bytes32 target = g.bool() ? Bytes32.wrap(g.bytes(32)) : self.value();
            int n = g.ints(0, 40);
            List<DhtContact> expected = new ArrayList<>(known);
            expected.sort(KademliaRoutingTable.byDistanceTo(target));
            assertThat(table.closest(target, n, p -> true)).isEqualTo(expected.subList(0, Math.min(n, expected.size())));
            assertThat(table.closest(target, n, p -> false)).isEmpty();
        });
    }
}
