package net.dig.node;

import net.dig.core.Clock;
import net.dig.core.NodeIdentity;

/** How the node builds its storage engine from the config (filled in when dig-storage lands). */
final class StorageWiring {
    private StorageWiring() {}

    /** Creates the storage engine's files (index) for a new home. */
    static void initialize(NodeHome home, NodeConfig config, NodeIdentity identity) {
        // The storage engine is not on main yet; init creates the directories only.
    }

    /** Opens the storage engine and registers it with the runtime. */
    static void startServices(NodeRuntime runtime, DigNodeCommand.NodeContext ctx, NodeIdentity identity, Clock clock) {
        // The storage engine is not on main yet.
    }
}
