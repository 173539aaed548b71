package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.node.ConfigLoader.Setting;
import net.dig.service.UploadBudget;
import org.junit.jupiter.api.Test;

/** {@code network.replication}: the defaults, overrides reaching the upload budget, and refused values. */
class ReplicationSectionTest {
    private static ReplicationSection load(Setting... settings) {
        return ConfigLoader.load(Optional.empty(), Map.of(), List.of(settings)).network().replication();
    }

    @Test
    void defaultsReplicateAndPaceUploadsAtEightMibPerPeerAndThirtyTwoInAll() {
        ReplicationSection r = load();
        assertThat(r.enabled()).isTrue();
        assertThat(r.budget()).isEqualTo(new UploadBudget.Settings(8L << 20, 32L << 20, 6L << 20, 4096));
    }

    @Test
    void overridesDriveTheBudgetAndTheOptOut() {
        ReplicationSection r = load(new Setting("network.replication.enabled", "false", "test"),
                new Setting("network.replication.upload_per_peer", "1MiB", "test"),
                new Setting("network.replication.upload_global", "2MiB", "test"),
                new Setting("network.replication.upload_burst", "2MiB", "test"));
        assertThat(r.enabled()).isFalse();
        assertThat(r.budget()).isEqualTo(new UploadBudget.Settings(1L << 20, 2L << 20, 2L << 20, 4096));
    }

    @Test
    void aBurstBelowOneWindowAndAGlobalCapBelowThePerPeerOneAreRefused() {
        assertThatThrownBy(() -> load(new Setting("network.replication.upload_burst", "1MiB", "test")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("upload_burst");
        assertThatThrownBy(() -> load(new Setting("network.replication.upload_global", "4MiB", "test")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("upload_global");
    }

    @Test
    void reReplicationDefaultsToThreeHoldersAndOverridesReachTheMachine() {
        assertThat(load().rereplication()).isEqualTo(new net.dig.gossip.ReplicaRepair.Settings(3, 2, 16L << 20, 60_000,
                ReplicationSection.PERIOD_PER_FETCH));
        ReplicationSection r = load(new Setting("network.replication.target_holders", "5", "test"),
                new Setting("network.replication.rereplication_concurrency", "4", "test"),
                new Setting("network.replication.rereplication_rate", "1MiB", "test"),
                new Setting("network.replication.rereplication_period_secs", "5", "test"));
        assertThat(r.rereplication()).isEqualTo(new net.dig.gossip.ReplicaRepair.Settings(5, 4, 1L << 20, 5_000,
                ReplicationSection.PERIOD_PER_FETCH));
    }

    @Test
    void reReplicationValuesOutOfRangeAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> load(new Setting("network.replication.target_holders", "0", "test")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target_holders");
        assertThatThrownBy(() -> load(new Setting("network.replication.rereplication_concurrency", "0", "test")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rereplication_concurrency");
        assertThatThrownBy(() -> load(new Setting("network.replication.rereplication_period_secs", "0", "test")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rereplication_period_secs");
    }
}
