package net.dig.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.dig.service.ManifestCodec;
import net.dig.storage.CapsuleProblem;
import net.dig.storage.Manifest;
import net.dig.storage.PlotSummary;
import net.dig.storage.PlotVerification;

/**
 * The JSON documents the CLI prints with {@code --json}, pretty-printed: the manifest is the document
 * of {@link ManifestCodec} (the one {@code GET /datastore/{id}/manifest} serves); the datastore list,
 * the plot list and the verification report are the CLI's own. Hashes and keys are 0x-lowercase hex,
 * times Unix seconds.
 */
final class CliJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CliJson() {}

    static ObjectNode manifest(Manifest m) {
        return ManifestCodec.toTree(m);
    }

    static ArrayNode plots(List<PlotSummary> list) {
        ArrayNode a = MAPPER.createArrayNode();
        for (PlotSummary p : list) {
            ObjectNode o = a.addObject()
                    .put("plot_id", p.plotId().toHex())
                    .put("path", p.path().toString())
                    .put("size_bytes", p.sizeBytes())
                    .put("capsule_count", p.capsuleCount())
                    .put("creation_time", p.creationTime())
                    .put("status", PlotCommand.status(p))
                    .put("quarantine_reason", p.quarantineReason());
            badCapsules(o, p.badCapsules());
        }
        return a;
    }

    static ArrayNode verification(List<PlotVerification> list) {
        ArrayNode a = MAPPER.createArrayNode();
        for (PlotVerification p : list) {
            ObjectNode o = a.addObject()
                    .put("plot_id", p.plotId().toHex())
                    .put("path", p.path().toString())
                    .put("ok", p.ok())
                    .put("header_valid", p.headerValid())
                    .put("tables_valid", p.tablesValid());
            badCapsules(o, p.badCapsules());
        }
        return a;
    }

    private static void badCapsules(ObjectNode o, List<CapsuleProblem> problems) {
        ArrayNode bad = o.putArray("bad_capsules");
        for (CapsuleProblem c : problems) {
            bad.addObject()
                    .put("datastore_id", c.datastoreId().toHex())
                    .put("capsule_index", c.capsuleIndex())
                    .put("reason", c.reason());
        }
    }

    static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
