package net.dig.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.dig.core.Hex;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.DatastoreSummary;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;
import net.dig.storage.PlotSummary;
import net.dig.storage.PlotVerification;
import net.dig.storage.CapsuleProblem;

/**
 * The JSON documents the CLI prints with {@code --json}. The manifest is the document
 * {@code GET /datastore/{id}/manifest} serves (DESIGN.md §4.2): the seed's fields
 * ({@code datastore_id, capsule_count, merkle_root, total_size, creation_time, capsules[{index, hash,
 * size}]}) plus {@code chunk_root} per capsule, {@code version}, {@code owner}, {@code signature},
 * {@code files}, and {@code name}, {@code capsule_size}. Hashes and keys are 0x-lowercase hex,
 * times Unix seconds. dig-api renders the same document with its own (package-private, Vert.x)
 * mapping, and dig-api cannot depend on dig-node; {@code ManifestParityTest} asserts that both
 * produce the same JSON for the same datastore.
 */
final class ManifestJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestJson() {}

    static ObjectNode manifest(Manifest m) {
        var v = m.version();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("datastore_id", v.datastoreId().toHex());
        o.put("capsule_count", v.capsuleCount());
        o.put("merkle_root", v.merkleRoot().toHex());
        o.put("total_size", v.totalSize());
        o.put("creation_time", v.creationTime());
        ArrayNode capsules = o.putArray("capsules");
        for (CapsuleInfo c : m.capsules()) {
            capsules.addObject()
                    .put("index", c.index())
                    .put("hash", c.hash().toHex())
                    .put("size", c.size())
                    .put("chunk_root", c.chunkRoot().toHex());
        }
        o.put("version", v.version());
        o.put("owner", Hex.encode(v.ownerPublicKey()));
        o.put("nonce", Hex.encode(v.nonce()));
        o.put("files_root", v.filesRoot().toHex());
        o.put("signature", Hex.encode(v.signature()));
        ArrayNode files = o.putArray("files");
        for (FileEntry f : m.files()) {
            files.addObject()
                    .put("path", f.path())
                    .put("offset", f.offset())
                    .put("length", f.length())
                    .put("sha256", f.sha256().toHex());
        }
        o.put("name", m.name());
        o.put("capsule_size", v.capsuleSize());
        return o;
    }

    static ArrayNode datastores(List<DatastoreSummary> list) {
        ArrayNode a = MAPPER.createArrayNode();
        for (DatastoreSummary d : list) {
            a.addObject()
                    .put("datastore_id", d.datastoreId().toHex())
                    .put("name", d.name())
                    .put("version", d.version())
                    .put("capsule_count", d.capsuleCount())
                    .put("total_size", d.totalSize())
                    .put("merkle_root", d.merkleRoot().toHex())
                    .put("creation_time", d.creationTime());
        }
        return a;
    }

    static ArrayNode plots(List<PlotSummary> list) {
        ArrayNode a = MAPPER.createArrayNode();
        for (PlotSummary p : list) {
            a.addObject()
                    .put("plot_id", p.plotId().toHex())
                    .put("path", p.path().toString())
                    .put("size_bytes", p.sizeBytes())
                    .put("capsule_count", p.capsuleCount())
                    .put("creation_time", p.creationTime())
                    .put("status", p.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("quarantine_reason", p.quarantineReason());
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
            ArrayNode bad = o.putArray("bad_capsules");
            for (CapsuleProblem c : p.badCapsules()) {
                bad.addObject()
                        .put("datastore_id", c.datastoreId().toHex())
                        .put("capsule_index", c.capsuleIndex())
                        .put("reason", c.reason());
            }
        }
        return a;
    }

    static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
