package net.dig.service;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.Sha256;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.Manifest;
import net.dig.wire.HandleLabels;
import net.dig.wire.NodePayload;
import net.dig.wire.NodePayload.HandleBatch;
import net.dig.wire.NodePayload.HandleDigest;

/**
 * The network's handle namespace as this node knows it (docs/decisions.md D64a). Records come from the
 * owner through this node's API ({@link #register}) or from peers ({@link #receive}); both end in the
 * {@link HandleTable}, and a handle resolves by {@link HandleNamespace}'s rule over every record of its
 * label, so every node holding the same records answers the same.
 *
 * <h2>Checks</h2>
 * <pre>
 *                                   register (API)                 receive (peer)
 *  label well-formed, not reserved  BAD_HANDLE / RESERVED_HANDLE   INVALID
 *  owner signature, id derivation   BAD_SIGNATURE                  INVALID
 *  |registered_at - now| <= skew    BAD_REGISTRATION_TIME          live: STALE; sync: only not in the future
 *  the datastore is stored here     UNKNOWN_DATASTORE              (not needed: the record proves its owner)
 *  it loses to the label's holder   HANDLE_TAKEN (not stored)      stored anyway (the set decides)
 * </pre>
 * A record registered here is handed to the {@link #onNew} listeners (the transport broadcasts it); one from
 * a peer that is NEW is forwarded once by the transport, a KNOWN one goes no further. Anti-entropy: {@link #digest} summarises the table
 * in 64 buckets; {@link #batchesFor} gives the records of every bucket whose hash differs from a peer's
 * digest, {@link HandleBatch#MAX} per message.
 *
 * <p>Blocking (SQLite); thread-safe (the table serialises; the digest is recomputed per call).
 */
public final class HandleService implements AutoCloseable {
    /** What {@link #receive} did with a record. */
    public enum Outcome {
        NEW, KNOWN, INVALID, STALE, FULL;

        /** Whether the record goes on to this node's other peers. */
        public boolean forward() {
            return this == NEW;
        }
    }

    private final HandleTable table;
    private final DatastoreService datastores;
    private final Clock clock;
    private final List<Consumer<NodePayload.HandleRegistration>> listeners = new CopyOnWriteArrayList<>();

    HandleService(HandleTable table, DatastoreService datastores, Clock clock) {
        this.table = Objects.requireNonNull(table, "table");
        this.datastores = datastores;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code listener} gets every record registered through {@link #register} that is new to this node, once stored. */
    public void onNew(Consumer<NodePayload.HandleRegistration> listener) {
        listeners.add(listener);
    }

    /**
     * Registers {@code reg} signed by {@code signature} under the owner key of the datastore's stored
     * version; returns the label's resolution with the record in it. The identical record again answers
     * the same (idempotent).
     */
    public HandleNamespace.Resolution register(HandleRegistration reg, byte[] signature) {
        Bytes32 id = reg.datastoreId();
        Manifest m = datastores.manifest(id).orElseThrow(() ->
                new ServiceException(ErrorCode.UNKNOWN_DATASTORE, "no datastore " + id.toHex() + " on this node"));
        long now = clock.epochSeconds();
        if (Math.abs(reg.registeredAt() - now) > NodePayload.HandleRegistration.MAX_SKEW_SECONDS) {
            throw new ServiceException(ErrorCode.BAD_REGISTRATION_TIME, "registered_at " + reg.registeredAt() + " is more than "
                    + NodePayload.HandleRegistration.MAX_SKEW_SECONDS + " s from this node's clock (" + now + ")");
        }
        DatastoreVersion v = m.version();
        if (signature.length != 64) {
            throw new ServiceException(ErrorCode.BAD_SIGNATURE, "a signature is 64 bytes, not " + signature.length);
        }
        NodePayload.HandleRegistration record = reg.sealed(v.ownerPublicKey(), v.nonce(), signature);
        if (!record.ownerValid()) {
            throw new ServiceException(ErrorCode.BAD_SIGNATURE, "the signature does not verify under the owner key of "
                    + id.toHex() + " (signed bytes: docs/api.md, 'Handles')");
        }
        List<NodePayload.HandleRegistration> records = new ArrayList<>(table.records(reg.handle()));
        boolean known = records.contains(record);
        if (!known) {
            records.add(record);
        }
        NodePayload.HandleRegistration holder = HandleNamespace.holder(records).orElse(null);
        if (!record.equals(holder)) {
            throw new ServiceException(ErrorCode.HANDLE_TAKEN, "handle '" + reg.handle() + "' is held by datastore "
                    + (holder == null ? "none (a revocation of a free handle)" : holder.datastoreId().toHex()));
        }
        if (!known) {
            store(record);
        }
        return HandleNamespace.resolve(reg.handle(), records, now).orElseThrow();
    }

    /** A record from a peer: {@code live} when it was broadcast, not sent in answer to this node's digest. */
    public Outcome receive(NodePayload.HandleRegistration record, boolean live) {
        if (HandleLabels.reserved(record.label()) || !record.ownerValid()) {
            return Outcome.INVALID;
        }
        long now = clock.epochSeconds();
        long skew = NodePayload.HandleRegistration.MAX_SKEW_SECONDS;
        if (record.registeredAt() > now + skew || live && record.registeredAt() < now - skew) {
            return Outcome.STALE;
        }
        return switch (table.add(record)) {
            case NEW -> Outcome.NEW;
            case KNOWN -> Outcome.KNOWN;
            case FULL -> Outcome.FULL;
        };
    }

    private void store(NodePayload.HandleRegistration record) {
        if (table.add(record) == HandleTable.Added.FULL) {
            throw new ServiceException(ErrorCode.INSUFFICIENT_STORAGE, "the handle table holds its maximum of records");
        }
        listeners.forEach(l -> l.accept(record));
    }

    /** Where {@code handle} stands; {@link ErrorCode#UNKNOWN_HANDLE} when no record holds it. */
    public HandleNamespace.Resolution resolve(String handle) {
        HandleRegistration.checkHandle(handle);
        return HandleNamespace.resolve(handle, table.records(handle), clock.epochSeconds()).orElseThrow(() ->
                new ServiceException(ErrorCode.UNKNOWN_HANDLE, "handle '" + handle + "' is not registered"));
    }

    /**
     * The handles that point at {@code datastoreId} now: those whose holding record names it and is
     * {@link HandleNamespace.Status#ACTIVE}, by label. Blocking (the handle table).
     */
    public List<NodePayload.HandleRegistration> activeFor(Bytes32 datastoreId) {
        long now = clock.epochSeconds();
        List<NodePayload.HandleRegistration> out = new ArrayList<>();
        for (String label : table.labelsPointingAt(datastoreId)) {
            HandleNamespace.resolve(label, table.records(label), now)
                    .filter(r -> r.status() == HandleNamespace.Status.ACTIVE)
                    .flatMap(HandleNamespace.Resolution::record)
                    .filter(r -> r.datastoreId().equals(datastoreId))
                    .ifPresent(out::add);
        }
        return out;
    }

    /** This node's digest of every record it holds. */
    public HandleDigest digest() {
        ByteBuffer hashes = ByteBuffer.allocate(HandleDigest.BUCKETS * 32);
        for (int b = 0; b < HandleDigest.BUCKETS; b++) {
            hashes.put(bucketHash(table.ids(b)).toArray());
        }
        return new HandleDigest(hashes.array(), table.count());
    }

    static Bytes32 bucketHash(List<Bytes32> ids) {
        if (ids.isEmpty()) {
            return Bytes32.wrap(new byte[32]);
        }
        MessageDigest d = Sha256.newDigest();
        ids.forEach(id -> d.update(id.toArray()));
        return Bytes32.wrap(d.digest());
    }

    /** The records of every bucket where {@code theirs} differs from this node's digest, in batches. */
    public List<HandleBatch> batchesFor(HandleDigest theirs) {
        HandleDigest mine = digest();
        List<HandleBatch> out = new ArrayList<>();
        List<NodePayload.HandleRegistration> pending = new ArrayList<>();
        for (int b = 0; b < HandleDigest.BUCKETS; b++) {
            if (mine.bucket(b).equals(theirs.bucket(b))) {
                continue;
            }
            for (NodePayload.HandleRegistration r : table.bucket(b)) {
                pending.add(r);
                if (pending.size() == HandleBatch.MAX) {
                    out.add(new HandleBatch(pending));
                    pending.clear();
                }
            }
        }
        if (!pending.isEmpty()) {
            out.add(new HandleBatch(pending));
        }
        return out;
    }

    /** Records held (of every label, holders or not). */
    public long count() {
        return table.count();
    }

    @Override
    public void close() {
        table.close();
    }
}
