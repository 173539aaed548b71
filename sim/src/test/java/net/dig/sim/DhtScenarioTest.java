package net.dig.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import net.dig.gossip.DhtConfig;
import net.dig.gossip.PlumtreeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DhtScenarioTest {
    private static DhtSpec small(int nodes, long seed, double churn, DhtConfig dht) {
        return new DhtSpec(nodes, seed, churn, 20, 5, 200, SimLinks.internet(), dht);
    }

    @Test
    void everyLookupFindsALiveHolderWithAFifthOfTheNodesGone() {
        DhtReport r = DhtScenario.run(small(300, 5, 0.2, DhtConfig.defaults()));
        assertThat(r.nodesGone()).isEqualTo(60);
        assertThat(r.nodesAtEnd()).isEqualTo(300);
        assertThat(r.succeeded() + r.failed() + r.unmeasured()).isEqualTo(200);
        assertThat(r.successPercent()).isEqualTo(100.0);
        assertThat(r.roundsP99()).isLessThanOrEqualTo(6).isPositive();
        assertThat(r.requestsP50()).isGreaterThanOrEqualTo(r.roundsP50());
        assertThat(r.notReady()).as("every datastore reached R holders").isZero();
        assertThat(r.readyP50Millis()).isPositive().isLessThanOrEqualTo(r.readyP99Millis());
        assertThat(r.penalties()).isZero();
    }

    @Test
    void theSameSeedGivesTheSameFigures() {
        DhtReport a = DhtScenario.run(small(120, 9, 0.2, DhtConfig.defaults()));
        DhtReport b = DhtScenario.run(small(120, 9, 0.2, DhtConfig.defaults()));
        assertThat(b.toJson().replaceAll("\"elapsed_seconds\":[0-9.]+", ""))
                .isEqualTo(a.toJson().replaceAll("\"elapsed_seconds\":[0-9.]+", ""));
        assertThat(b.toCsvRow().split(",")).hasSameSizeAs(DhtReport.csvHeader().split(","));
    }

    /** One contact per bucket, one request at a time, one record holder per key, half the nodes gone: lookups fail. */
    @Test
    void aStarvedDhtWithHeavyChurnMissesProvidersAndTheReportSaysSo() {
        DhtConfig d = DhtConfig.defaults();
        DhtConfig starved = new DhtConfig(1, 1, 0, d.rpcTimeoutMillis(), d.refreshIntervalMillis(), d.providerTtlMillis(),
                d.republishIntervalMillis(), d.maxProviderKeys(), d.maxProvidersPerKey(), d.inboundRequestsPerSecond(),
                d.inboundBurst(), d.maxConcurrentLookups(), d.minReputation());
        DhtReport r = DhtScenario.run(small(300, 5, 0.5, starved));
        assertThat(r.failed()).isPositive();
        assertThat(r.successPercent()).isLessThan(100.0);
    }

    @Test
    void theBroadcastRunnerRefusesTheDhtScenarioAndBadSpecsAreRejected() {
        SimSpec dht = new SimSpec(10, 1, SimScenario.DHT, 8, 1, 1, 1, 1, SimLinks.internet(), PlumtreeConfig.defaults());
        assertThatThrownBy(() -> SimRunner.run(dht)).hasMessageContaining("DhtScenario");
        assertThat(SimScenario.parse("dht")).isEqualTo(SimScenario.DHT);
        assertThat(SimScenario.broadcastScenarios()).doesNotContain(SimScenario.DHT, SimScenario.DANDELION, SimScenario.ERLAY,
                        SimScenario.REREPLICATION).hasSize(SimScenario.values().length - 4);
        assertThatThrownBy(() -> small(10, 1, 1.0, DhtConfig.defaults())).hasMessageContaining("churn");
        assertThatThrownBy(() -> new DhtSpec(4, 1, 0.2, 1, 5, 1, SimLinks.internet(), DhtConfig.defaults()))
                .hasMessageContaining("replicas must be 1..4");
    }
}
