package net.dig.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.CapsuleSize;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.FileEntry;
import net.dig.storage.Manifest;

/**
 * The manifest JSON document: what {@code GET /datastore/{id}/manifest} serves, what
 * {@code datastore show --json} prints, and the {@code manifest} part of {@code POST /datastore/push}
 * (a manifest fetched from one node can be pushed to another unchanged). The only codec of it.
 *
 * <pre>
 * {
 *   "datastore_id":  "0x" 64 hex      SHA-256(owner ‖ nonce)
 *   "capsule_count": integer
 *   "merkle_root":   "0x" 64 hex
 *   "total_size":    integer (bytes)
 *   "creation_time": integer (Unix seconds)
 *   "capsules":      [{"index", "hash", "size", "chunk_root"}]   index = position
 *   "version":       integer >= 1
 *   "owner":         "0x" 64 hex      Ed25519 public key
 *   "nonce":         "0x" 64 hex
 *   "files_root":    "0x" 64 hex      SHA-256 of the encoded file table (recomputed on decode)
 *   "signature":     "0x" 128 hex     owner signature over the version record
 *   "files":         [{"path", "offset", "length", "sha256"}]     optional on decode
 *   "name":          string | null    at most 255 characters, no control characters
 *   "capsule_size":  integer         the bytes of one {@link CapsuleSize}
 * }
 * </pre>
 * Keys appear in this order (the seed's fields first, then the signed version's); hashes and keys are {@code 0x}-lowercase hex. Decoding checks every
 * field and refuses with a {@link ServiceException} naming it (400: {@code bad_json},
 * {@code missing_field}, {@code bad_field}, {@code bad_manifest}, {@code bad_datastore_id},
 * {@code bad_<field>} for hex fields). The owner signature is not checked here
 * ({@link DatastoreService#store} does).
 */
public final class ManifestCodec {
    public static final int MAX_NAME = 255;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestCodec() {
    }

    /** A manifest received from outside, every field checked, not yet verified against its signature. */
    public record Decoded(DatastoreVersion version, String name, List<CapsuleInfo> capsules, List<FileEntry> files) {
    }

    /** The document as a tree (for callers that embed or pretty-print it). */
    public static ObjectNode toTree(Manifest m) {
        DatastoreVersion v = m.version();
        ObjectNode o = JSON.createObjectNode();
        o.put("datastore_id", v.datastoreId().toHex())
                .put("capsule_count", v.capsuleCount())
                .put("merkle_root", v.merkleRoot().toHex())
                .put("total_size", v.totalSize())
                .put("creation_time", v.creationTime());
        ArrayNode capsules = o.putArray("capsules");
        for (CapsuleInfo c : m.capsules()) {
            capsules.addObject().put("index", c.index()).put("hash", c.hash().toHex()).put("size", c.size())
                    .put("chunk_root", c.chunkRoot().toHex());
        }
        o.put("version", v.version())
                .put("owner", Hex.encode(v.ownerPublicKey()))
                .put("nonce", Hex.encode(v.nonce()))
                .put("files_root", v.filesRoot().toHex())
                .put("signature", Hex.encode(v.signature()));
        ArrayNode files = o.putArray("files");
        for (FileEntry f : m.files()) {
            files.addObject().put("path", f.path()).put("offset", f.offset()).put("length", f.length())
                    .put("sha256", f.sha256().toHex());
        }
        o.put("name", m.name()).put("capsule_size", v.capsuleSize());
        return o;
    }

    /** The document, compact. */
    public static String encode(Manifest m) {
        try {
            return JSON.writeValueAsString(toTree(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a manifest tree cannot fail to serialise", e);
        }
    }

    /**
     * The manifest document as this node serves it: {@link #encode(Manifest)} plus, when some capsules
     * cannot be served here (found bad, or only in quarantined plots), {@code "unavailable"}: their
     * indices, ascending. The field is not part of the signed record; decoders ignore it.
     */
    public static String encode(Manifest m, List<Integer> unavailable) {
        if (unavailable.isEmpty()) {
            return encode(m);
        }
        ObjectNode o = toTree(m);
        ArrayNode a = o.putArray("unavailable");
        unavailable.forEach(a::add);
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a manifest tree cannot fail to serialise", e);
        }
    }

    /** Parses and checks a manifest document. */
    public static Decoded decode(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ServiceException(ErrorCode.BAD_JSON, "the manifest part is not a JSON object");
        }
        if (root == null || !root.isObject()) {
            throw new ServiceException(ErrorCode.BAD_JSON, "the manifest part is not a JSON object");
        }
        return decode(root);
    }

    private static Decoded decode(JsonNode o) {
        Bytes32 id = Fields.datastoreId(string(o, "datastore_id", true), "datastore_id");
        long version = number(o, "version");
        Bytes32 root = Fields.hash32(string(o, "merkle_root", true), "merkle_root");
        long count = number(o, "capsule_count");
        long total = number(o, "total_size");
        long capsuleBytes = number(o, "capsule_size");
        long created = number(o, "creation_time");
        byte[] owner = Fields.hexBytes(string(o, "owner", true), 32, "owner");
        byte[] nonce = Fields.hexBytes(string(o, "nonce", true), 32, "nonce");
        byte[] signature = Fields.hexBytes(string(o, "signature", true), 64, "signature");
        String name = string(o, "name", false);
        if (version < 1 || count < 0 || count > 10_000_000 || total < 0 || created < 0) {
            throw bad("version must be >= 1 and counts/sizes non-negative");
        }
        CapsuleSize capsuleSize = capsuleSize(capsuleBytes);
        if (name != null && (name.length() > MAX_NAME || name.chars().anyMatch(c -> c < 0x20))) {
            throw bad("name must be at most " + MAX_NAME + " printable characters");
        }
        JsonNode caps = array(o, "capsules");
        if (caps.size() != count) {
            throw bad("capsules lists " + caps.size() + " entries but capsule_count is " + count);
        }
        List<CapsuleInfo> capsules = new ArrayList<>(caps.size());
        for (int i = 0; i < caps.size(); i++) {
            JsonNode c = caps.get(i);
            if (!c.isObject()) {
                throw bad("capsules[" + i + "] must be an object");
            }
            long index = number(c, "index");
            long size = number(c, "size");
            if (index != i) {
                throw bad("capsules[" + i + "].index must be " + i);
            }
            if (size < 0 || size > capsuleSize.bytes()) {
                throw bad("capsules[" + i + "].size must be within 0.." + capsuleSize.bytes());
            }
            capsules.add(new CapsuleInfo(i, Fields.hash32(string(c, "hash", true), "hash"), size,
                    Fields.hash32(string(c, "chunk_root", true), "chunk_root")));
        }
        List<FileEntry> files = new ArrayList<>();
        if (present(o, "files")) {
            JsonNode fs = array(o, "files");
            for (int i = 0; i < fs.size(); i++) {
                JsonNode f = fs.get(i);
                if (!f.isObject()) {
                    throw bad("files[" + i + "] must be an object");
                }
                String path = string(f, "path", true);
                long off = number(f, "offset");
                long len = number(f, "length");
                if (FilePaths.check(path) == null || off < 0 || len < 0 || len > total || off > total - len) {
                    throw bad("files[" + i + "] has an unsafe path or a range outside the datastore");
                }
                files.add(new FileEntry(path, off, len, Fields.hash32(string(f, "sha256", true), "sha256")));
            }
        }
        // name_sha256 and files_root are recomputed from what was sent: the owner signature covers them
        Bytes32 filesRoot = DatastoreVersion.filesRoot(files);
        if (present(o, "files_root") && !Fields.hash32(string(o, "files_root", true), "files_root").equals(filesRoot)) {
            throw bad("files_root does not match the files listed");
        }
        return new Decoded(new DatastoreVersion(id, nonce, version, root, (int) count, total, capsuleSize.bytes(), created,
                DatastoreVersion.nameSha256(name), filesRoot, owner, signature), name, capsules, files);
    }

    /** The size class of {@code bytes}; refused naming every class's byte count. */
    static CapsuleSize capsuleSize(long bytes) {
        try {
            return CapsuleSize.ofBytes(bytes);
        } catch (IllegalArgumentException e) {
            StringJoiner all = new StringJoiner(", ");
            CapsuleSize.allBytes().forEach(b -> all.add(Integer.toString(b)));
            throw bad("capsule_size must be one of " + all);
        }
    }

    private static ServiceException bad(String message) {
        return new ServiceException(ErrorCode.BAD_MANIFEST, message);
    }

    private static boolean present(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && !v.isNull();
    }

    private static String string(JsonNode o, String field, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ServiceException(ErrorCode.MISSING_FIELD, "field '" + field + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "field '" + field + "' must be a string");
        }
        return v.textValue();
    }

    private static long number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "field '" + field + "' must be an integer");
        }
        return v.longValue();
    }

    private static JsonNode array(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isArray()) {
            throw new ServiceException(ErrorCode.BAD_FIELD, "field '" + field + "' must be an array");
        }
        return v;
    }
}
