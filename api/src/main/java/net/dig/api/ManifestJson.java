package net.dig.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;

/**
 * The manifest JSON of {@code GET /datastore/{id}/manifest} (the seed's shape plus {@code chunk_root}
 * per capsule, {@code version}, {@code owner}, {@code nonce}, {@code files_root}, {@code signature},
 * {@code capsule_size}, {@code name}, {@code files}; the owner signs the name and the file table through
 * {@code files_root}, and {@code datastore_id = SHA256(owner || nonce)}); the same document is the {@code manifest} part of {@code POST /datastore/push}, so a
 * manifest fetched from one node can be pushed to another unchanged.
 */
final class ManifestJson {
    static final int MAX_NAME = 255;
    static final int MAX_PATH = FilePaths.MAX_PATH;

    private ManifestJson() {
    }

    static JsonObject encode(Manifest m) {
        DatastoreVersion v = m.version();
        JsonArray capsules = new JsonArray();
        for (CapsuleInfo c : m.capsules()) {
            capsules.add(new JsonObject().put("index", c.index()).put("hash", c.hash().toHex()).put("size", c.size())
                    .put("chunk_root", c.chunkRoot().toHex()));
        }
        JsonArray files = new JsonArray();
        for (FileEntry f : m.files()) {
            files.add(new JsonObject().put("path", f.path()).put("offset", f.offset()).put("length", f.length())
                    .put("sha256", f.sha256().toHex()));
        }
        return new JsonObject()
                .put("datastore_id", v.datastoreId().toHex())
                .put("name", m.name())
                .put("version", v.version())
                .put("capsule_count", v.capsuleCount())
                .put("merkle_root", v.merkleRoot().toHex())
                .put("total_size", v.totalSize())
                .put("capsule_size", v.capsuleSize())
                .put("creation_time", v.creationTime())
                .put("owner", Hex.encode(v.ownerPublicKey()))
                .put("nonce", Hex.encode(v.nonce()))
                .put("files_root", v.filesRoot().toHex())
                .put("signature", Hex.encode(v.signature()))
                .put("capsules", capsules)
                .put("files", files);
    }

    /** A manifest sent by a client; every field checked, errors name the field (400). */
    record Pushed(DatastoreVersion version, String name, List<CapsuleInfo> capsules, List<FileEntry> files) {
    }

    static Pushed decode(JsonObject o) {
        Bytes32 id = Http.datastoreId(Http.string(o, "datastore_id", true), "datastore_id");
        long version = Http.number(o, "version");
        Bytes32 root = Http.hash32(Http.string(o, "merkle_root", true), "merkle_root");
        long count = Http.number(o, "capsule_count");
        long total = Http.number(o, "total_size");
        long capsuleSize = Http.number(o, "capsule_size");
        long created = Http.number(o, "creation_time");
        byte[] owner = Http.hexBytes(Http.string(o, "owner", true), 32, "owner");
        byte[] nonce = Http.hexBytes(Http.string(o, "nonce", true), 32, "nonce");
        byte[] signature = Http.hexBytes(Http.string(o, "signature", true), 64, "signature");
        String name = Http.string(o, "name", false);
        if (version < 1 || count < 0 || count > 10_000_000 || total < 0 || created < 0) {
            throw ApiException.badRequest("bad_manifest", "version must be >= 1 and counts/sizes non-negative");
        }
        if (capsuleSize != 262144 && capsuleSize != 1048576 && capsuleSize != 4194304 && capsuleSize != 16777216) {
            throw ApiException.badRequest("bad_manifest", "capsule_size must be one of 262144, 1048576, 4194304, 16777216");
        }
        if (name != null && (name.length() > MAX_NAME || name.chars().anyMatch(c -> c < 0x20))) {
            throw ApiException.badRequest("bad_manifest", "name must be at most " + MAX_NAME + " printable characters");
        }
        JsonArray caps = Http.array(o, "capsules");
        if (caps.size() != count) {
            throw ApiException.badRequest("bad_manifest", "capsules lists " + caps.size() + " entries but capsule_count is " + count);
        }
        List<CapsuleInfo> capsules = new ArrayList<>(caps.size());
        for (int i = 0; i < caps.size(); i++) {
            if (!(caps.getValue(i) instanceof JsonObject c)) {
                throw ApiException.badRequest("bad_manifest", "capsules[" + i + "] must be an object");
            }
            long index = Http.number(c, "index");
            long size = Http.number(c, "size");
            if (index != i) {
                throw ApiException.badRequest("bad_manifest", "capsules[" + i + "].index must be " + i);
            }
            if (size < 0 || size > capsuleSize) {
                throw ApiException.badRequest("bad_manifest", "capsules[" + i + "].size must be within 0.." + capsuleSize);
            }
            capsules.add(new CapsuleInfo(i, Http.hash32(Http.string(c, "hash", true), "hash"), size,
                    Http.hash32(Http.string(c, "chunk_root", true), "chunk_root")));
        }
        List<FileEntry> files = new ArrayList<>();
        if (o.getValue("files") != null) {
            JsonArray fs = Http.array(o, "files");
            for (int i = 0; i < fs.size(); i++) {
                if (!(fs.getValue(i) instanceof JsonObject f)) {
                    throw ApiException.badRequest("bad_manifest", "files[" + i + "] must be an object");
                }
                String path = Http.string(f, "path", true);
                long off = Http.number(f, "offset");
                long len = Http.number(f, "length");
                if (FilePaths.check(path) == null || off < 0 || len < 0 || len > total || off > total - len) {
                    throw ApiException.badRequest("bad_manifest", "files[" + i + "] has an unsafe path or a range outside the datastore");
                }
                files.add(new FileEntry(path, off, len, Http.hash32(Http.string(f, "sha256", true), "sha256")));
            }
        }
        // name_sha256 and files_root are recomputed from what was sent: the owner signature covers them
        Bytes32 filesRoot = DatastoreVersion.filesRoot(files);
        if (o.getValue("files_root") != null
                && !Http.hash32(Http.string(o, "files_root", true), "files_root").equals(filesRoot)) {
            throw ApiException.badRequest("bad_manifest", "files_root does not match the files listed");
        }
        return new Pushed(new DatastoreVersion(id, nonce, version, root, (int) count, total, (int) capsuleSize, created,
                DatastoreVersion.nameSha256(name), filesRoot, owner, signature), name, capsules, files);
    }
}
