package net.dig.service;

import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import net.dig.wire.HandleLabels;
import net.dig.wire.NodePayload;

/**
 * What a datastore's owner signs to name it with a handle (docs/api.md "Handles"), checked with typed
 * errors: the label ({@link ErrorCode#BAD_HANDLE}, {@link ErrorCode#RESERVED_HANDLE}), tier 1..6
 * ({@link ErrorCode#BAD_TIER}), metadata ({@link ErrorCode#BAD_METADATA}), an expiry after the registration
 * time and at most {@link NodePayload.HandleRegistration#MAX_TERM_SECONDS} later
 * ({@link ErrorCode#BAD_REGISTRATION_TIME}). The signed bytes are drawn in
 * {@link NodePayload.HandleRegistration}; {@link #sealed} adds the owner key, the datastore's nonce and the
 * signature to make the record that travels the network.
 *
 * @param pinnedRoot the Merkle root the handle stays on; empty = follow the datastore's latest version
 * @param registeredAt Unix seconds
 * @param expiresAt Unix seconds
 * @param revoked the owner gives the label up from {@code registeredAt}
 */
public record HandleRegistration(String handle, Bytes32 datastoreId, Optional<Bytes32> pinnedRoot, int tier, long registeredAt,
        long expiresAt, boolean revoked, SortedMap<String, String> metadata) {

    public HandleRegistration {
        Objects.requireNonNull(datastoreId, "datastoreId");
        Objects.requireNonNull(pinnedRoot, "pinnedRoot");
        checkHandle(handle);
        if (HandleLabels.reserved(handle)) {
            throw new ServiceException(ErrorCode.RESERVED_HANDLE, "'" + handle + "' is a reserved word and cannot be registered");
        }
        if (tier < 1 || tier > 6) {
            throw new ServiceException(ErrorCode.BAD_TIER, "tier must be within 1..6, got " + tier);
        }
        if (registeredAt < 0 || expiresAt <= registeredAt || expiresAt - registeredAt > NodePayload.HandleRegistration.MAX_TERM_SECONDS) {
            throw new ServiceException(ErrorCode.BAD_REGISTRATION_TIME, "expires_at must be after registered_at and at most "
                    + NodePayload.HandleRegistration.MAX_TERM_SECONDS + " s later");
        }
        metadata = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
        try {
            sealedOrThrow(handle, datastoreId, pinnedRoot, tier, registeredAt, expiresAt, revoked, metadata);
        } catch (IllegalArgumentException e) {
            throw new ServiceException(ErrorCode.BAD_METADATA, e.getMessage());
        }
    }

    /** {@link ErrorCode#BAD_HANDLE} unless {@code handle} is a well-formed label (reserved words are well-formed). */
    public static void checkHandle(String handle) {
        HandleLabels.malformed(handle).ifPresent(p -> {
            throw new ServiceException(ErrorCode.BAD_HANDLE, p);
        });
    }

    /** What the owner signs (layout: {@link NodePayload.HandleRegistration}). */
    public byte[] signingBytes() {
        return NodePayload.HandleRegistration.signingBytes(handle, datastoreId, pinnedRoot, tier, registeredAt, expiresAt, revoked,
                metadata);
    }

    /** The network record: this content with the owner key, the datastore's nonce and the owner's signature. */
    public NodePayload.HandleRegistration sealed(byte[] ownerPublicKey, byte[] nonce, byte[] signature) {
        return new NodePayload.HandleRegistration(handle, datastoreId, ownerPublicKey, nonce, pinnedRoot, tier, registeredAt,
                expiresAt, revoked, metadata, signature);
    }

    private static void sealedOrThrow(String handle, Bytes32 id, Optional<Bytes32> root, int tier, long at, long until,
            boolean revoked, SortedMap<String, String> metadata) {
        new NodePayload.HandleRegistration(handle, id, new byte[32], new byte[32], root, tier, at, until, revoked, metadata,
                new byte[64]);
    }
}
