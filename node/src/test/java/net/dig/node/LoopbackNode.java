package net.dig.node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.node.ConfigLoader.Setting;

/** The context of a node in {@code home} (its node.yaml) listening on loopback with ephemeral ports, plus {@code extra} settings. */
final class LoopbackNode {
    private LoopbackNode() {
    }

    static DigNodeCommand.NodeContext context(Path home, Setting... extra) {
        List<Setting> settings = new ArrayList<>(List.of(
                new Setting("api.listen_address", "127.0.0.1:0", "test"),
                new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"),
                new Setting("network.listen_address", "127.0.0.1:0", "test")));
        settings.addAll(List.of(extra));
        return new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), settings), Optional.empty());
    }
}
