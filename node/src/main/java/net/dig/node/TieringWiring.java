package net.dig.node;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.dig.service.NodeServices;
import net.dig.service.TierBalancer;

/**
 * Tiering for a running node, from {@code storage.tiering}: the node's {@link TierBalancer}, ticked every
 * {@code interval_secs} on its own thread when {@code storage.plot_classes} name more than one class. A tick that throws is logged and the
 * next one runs.
 */
final class TieringWiring {
    private static final System.Logger LOG = System.getLogger(TieringWiring.class.getName());

    private TieringWiring() {}

    static TierBalancer start(NodeRuntime runtime, NodeConfig.TieringSection config, NodeServices services) {
        TierBalancer balancer = services.tierBalancer(config.settings());
        if (!balancer.active()) {
            return balancer;
        }
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("dig-tiering").daemon().factory());
        long period = config.interval().toMillis();
        ticks.scheduleWithFixedDelay(() -> {
            try {
                balancer.tick();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "tiering_tick_failed: " + e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        runtime.add("tiering", () -> {
            ticks.shutdown(); // no interrupt: an interrupted FileChannel copy would close the channel
            if (!ticks.awaitTermination(60, TimeUnit.SECONDS)) {
                ticks.shutdownNow();
            }
        });
        return balancer;
    }
}
