package net.dig.service;

import java.security.MessageDigest;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.MerkleProof;
import net.dig.core.Sha256;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.Manifest;

/**
 * The provider side of a fetch (docs/architecture.md §6 step 7): answers a {@link FetchRequest} with stored
 * bytes and what proves them, or a typed refusal. Never throws for anything a peer sends.
 *
 * <h2>What a window answer holds</h2>
 * For {@code Window(id, version, capsule, offset, length, maxSize, prologue)}: the capsule's bytes from
 * {@code offset}, at most {@code length}, at most the provider's {@code windowCap}, and with the prologue
 * at most {@code maxSize} in all; shorter than asked only by whole 4 KiB chunks (or up to the capsule's
 * end). With {@code prologue}: {@link FetchResponse.Prologue} (capsule hash, the 4 KiB chunk leaf hashes
 * computed from the hash-checked bytes, the leaf proof from the datastore's own view), checked here as
 * the asker will check it, so a read that raced a new version is refused rather than sent.
 *
 * <h2>Refusals</h2>
 * {@link ErrorCode#UNKNOWN_DATASTORE} when this node does not hold exactly that version (older, newer,
 * or none), {@link ErrorCode#BAD_CAPSULE_INDEX}, {@link ErrorCode#BAD_RANGE} (unaligned offset, offset at
 * or past the capsule's end, non-positive length or size), {@link ErrorCode#PAYLOAD_TOO_LARGE} (not even
 * one chunk fits {@code maxSize}), {@link ErrorCode#RATE_LIMITED} with the wait ({@link UploadBudget}),
 * and the storage's own codes ({@link ErrorCode#PLOT_UNAVAILABLE} for a quarantined capsule: bytes are
 * located first, which refuses a quarantined capsule, then taken from the RAM tier or read through
 * {@link ContentService#fill}, the storage's one read loop).
 *
 * <h2>Capsules being served</h2>
 * A fetch asks for a capsule window after window. The last {@link #RECENT_CAPSULES} capsules answered
 * from are held here with their chunk hashes (computed once, on the first prologue): the later windows
 * of a capsule are cut from bytes hash-checked when they were read, not read and hashed again. The
 * location check still runs for every window, so a capsule quarantined meanwhile is refused. Keys are
 * capsule hashes, so a new version can never be served stale bytes. Two workers asking for the same
 * capsule at once share one read.
 *
 * <p>Blocking (SQLite, plots); call from a worker. Thread-safe. Memory: at most
 * {@link #RECENT_CAPSULES} capsules (16 MiB each at most) beyond the tiers'.
 */
public final class CapsuleWindows {
    /** Capsules held for the windows still to come ({@code Capsules being served}). */
    static final int RECENT_CAPSULES = 4;

    /** One capsule's verified bytes and, once a prologue asked for them, its chunk hashes. */
    private static final class Held {
        private byte[] bytes;
        private byte[] chunkHashes;

        synchronized byte[] bytes(java.util.function.Supplier<byte[]> read) {
            if (bytes == null) {
                bytes = read.get();
            }
            return bytes;
        }

        synchronized byte[] bytes() {
            return bytes;
        }

        synchronized byte[] chunkHashes() {
            if (chunkHashes == null) {
                chunkHashes = CapsuleWindows.chunkHashes(bytes);
            }
            return chunkHashes;
        }
    }

    private final java.util.LinkedHashMap<Bytes32, Held> recent = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private final ContentService content;
    private final UploadBudget budget;
    private final Clock clock;
    private final int windowCap;

    CapsuleWindows(ContentService content, UploadBudget budget, Clock clock, int windowCap) {
        this.content = Objects.requireNonNull(content, "content");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (windowCap < FetchConfig.CHUNK || windowCap > FetchConfig.MAX_WINDOW_BYTES || windowCap % FetchConfig.CHUNK != 0) {
            throw new IllegalArgumentException("the window cap must be a multiple of 4 KiB up to " + FetchConfig.MAX_WINDOW_BYTES);
        }
        if (budget.settings().burstBytes() < windowCap + maxPrologue()) {
            throw new IllegalArgumentException("upload burst_bytes " + budget.settings().burstBytes()
                    + " cannot pass one window of " + windowCap + " bytes and its prologue (" + maxPrologue() + ")");
        }
        this.windowCap = windowCap;
    }

    /** The largest prologue: 4096 chunk hashes of a 16 MiB capsule and a proof over 2^32 leaves. */
    static int maxPrologue() {
        return FetchResponse.Prologue.encodedSize(4096, 32);
    }

    /** The answer to {@code request} from {@code peer} (the key of its upload bucket). */
    public FetchResponse answer(Object peer, FetchRequest request) {
        try {
            return switch (request) {
                case FetchRequest.Metadata m -> metadata(m);
                case FetchRequest.Window w -> window(peer, w);
            };
        } catch (ServiceException e) {
            return new FetchResponse.Refused(request.requestId(), e.code(), e.getMessage(), e.retryAfterSeconds() * 1000);
        }
    }

    private FetchResponse metadata(FetchRequest.Metadata m) {
        Manifest held = held(m.datastoreId(), m.version()).manifest();
        return new FetchResponse.Metadata(m.requestId(), held.name(), held.files());
    }

    private FetchResponse window(Object peer, FetchRequest.Window w) {
        DatastoreViews.View view = held(w.datastoreId(), w.version());
        Manifest m = view.manifest();
        if (w.capsuleIndex() < 0 || w.capsuleIndex() >= m.capsules().size()) {
            throw new ServiceException(ErrorCode.BAD_CAPSULE_INDEX, "capsule index " + w.capsuleIndex() + " is outside 0.."
                    + (m.capsules().size() - 1));
        }
        CapsuleInfo c = m.capsules().get(w.capsuleIndex());
        if (w.offset() < 0 || w.offset() % FetchConfig.CHUNK != 0 || w.offset() >= c.size() || w.length() <= 0
                || w.maxSize() <= 0) {
            throw new ServiceException(ErrorCode.BAD_RANGE, "window at " + w.offset() + " of length " + w.length()
                    + " (max size " + w.maxSize() + ") is not a 4 KiB aligned range inside capsule " + w.capsuleIndex()
                    + " of " + c.size() + " bytes");
        }
        MerkleProof proof = w.prologue() ? view.proof(w.capsuleIndex()) : null;
        int prologueBytes = proof == null ? 0 : FetchResponse.Prologue.encodedSize(chunkCount(c.size()), proof.siblings().size());
        long room = Math.min(Math.min(w.length(), windowCap), (long) w.maxSize() - prologueBytes);
        long left = c.size() - w.offset();
        long len = room >= left ? left : room - room % FetchConfig.CHUNK;
        if (len <= 0) {
            throw new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "not one chunk of capsule " + w.capsuleIndex()
                    + " fits in " + w.maxSize() + " bytes with its prologue of " + prologueBytes);
        }
        UploadBudget.Grant grant = budget.tryAcquire(peer, len + prologueBytes, clock.nanos());
        if (!grant.granted()) {
            return new FetchResponse.Refused(w.requestId(), ErrorCode.RATE_LIMITED, "upload budget exhausted; retry in "
                    + grant.retryAfterMillis() + " ms", grant.retryAfterMillis());
        }
        Held held = read(m.datastoreId(), w.capsuleIndex(), c.hash());
        byte[] bytes = held.bytes();
        if (bytes.length != c.size()) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "capsule " + w.capsuleIndex() + " read " + bytes.length
                    + " bytes, the manifest says " + c.size());
        }
        FetchResponse.Prologue prologue = null;
        if (proof != null) {
            prologue = new FetchResponse.Prologue(c.hash(), held.chunkHashes(), proof);
            // what the asker will check: bytes read after a new version replaced the one looked up fail it
            if (FetchChecks.provenChunkRoot(m.version(), w.capsuleIndex(), prologue) == null) {
                throw new ServiceException(ErrorCode.UNAVAILABLE, "capsule " + w.capsuleIndex() + " of " + m.datastoreId().toHex()
                        + " changed while it was read; ask again");
            }
        }
        int from = (int) w.offset();
        byte[] data = java.util.Arrays.copyOfRange(bytes, from, from + (int) len);
        return new FetchResponse.Window(w.requestId(), w.capsuleIndex(), w.offset(), data, prologue);
    }

    /**
     * The capsule's bytes: the location check first (it refuses a capsule whose copies are all
     * quarantined or found bad), then the capsules being served, the RAM tier, else a hash-checked read
     * through the tiers.
     */
    private Held read(Bytes32 id, int index, Bytes32 hash) {
        if (content.locate(id, index).isEmpty()) {
            throw new ServiceException(ErrorCode.UNKNOWN_CAPSULE, "capsule " + index + " of " + id.toHex() + " is not held here");
        }
        Held held;
        synchronized (recent) {
            held = recent.computeIfAbsent(hash, h -> new Held());
            if (recent.size() > RECENT_CAPSULES) {
                var eldest = recent.entrySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        try {
            held.bytes(() -> {
                byte[] cached = content.tiers().memory(hash);
                return cached != null ? cached : content.fill(id, index, hash);
            });
        } catch (RuntimeException e) {
            synchronized (recent) {
                recent.remove(hash, held);
            }
            throw e;
        }
        return held;
    }

    private DatastoreViews.View held(Bytes32 id, long version) {
        DatastoreViews.View view;
        try {
            view = content.views().load(id);
        } catch (ServiceException e) {
            if (e.code() == ErrorCode.UNKNOWN_DATASTORE) {
                throw new ServiceException(ErrorCode.UNKNOWN_DATASTORE, "datastore " + id.toHex() + " is not held here");
            }
            throw e;
        }
        long held = view.manifest().version().version();
        if (held != version) {
            throw new ServiceException(ErrorCode.UNKNOWN_DATASTORE, "this node holds version " + held + " of "
                    + id.toHex() + ", not " + version);
        }
        return view;
    }

    static int chunkCount(long size) {
        return (int) ((size + FetchConfig.CHUNK - 1) / FetchConfig.CHUNK);
    }

    /** The 4 KiB chunk leaf hashes {@code SHA256(0x01 ‖ chunk)} of {@code data}, 32 bytes each. */
    static byte[] chunkHashes(byte[] data) {
        int n = chunkCount(data.length);
        byte[] out = new byte[32 * n];
        MessageDigest d = Sha256.newDigest();
        try {
            for (int i = 0; i < n; i++) {
                int off = i * FetchConfig.CHUNK;
                d.update((byte) 0x01);
                d.update(data, off, Math.min(FetchConfig.CHUNK, data.length - off));
                d.digest(out, 32 * i, 32);
            }
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
