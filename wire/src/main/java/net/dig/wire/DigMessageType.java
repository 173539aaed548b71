package net.dig.wire;

import java.util.Optional;

/**
 * DIG opcodes carried in the same envelope as Chia's (docs/formats/wire.md, dig-peer-protocol
 * {@code src/opcodes.rs}). 200..219 is the consensus band, 220+ the free band; assignments are
 * append-only; 240 is this project's own, chosen outside that band. Bodies of 200..210 are consumer-defined (opaque here),
 * except 209/210, whose compact block relay bodies this project defines ({@link BlockPull}, {@link BlockPush});
 * 211..217 have no DIG producer and this project defines its own (213 {@link StemTransaction}, the Plumtree bodies;
 * {@code docs/formats/wire.md}).
 */
public enum DigMessageType {
    NEW_ATTESTATION(200),
    NEW_CHECKPOINT_PROPOSAL(201),
    NEW_CHECKPOINT_SIGNATURE(202),
    REQUEST_CHECKPOINT_SIGNATURES(203),
    RESPOND_CHECKPOINT_SIGNATURES(204),
    REQUEST_STATUS(205),
    RESPOND_STATUS(206),
    NEW_CHECKPOINT_SUBMISSION(207),
    VALIDATOR_ANNOUNCE(208),
    REQUEST_BLOCK_TRANSACTIONS(209),
    RESPOND_BLOCK_TRANSACTIONS(210),
    RECONCILIATION_SKETCH(211),
    RECONCILIATION_RESPONSE(212),
    STEM_TRANSACTION(213),
    PLUMTREE_LAZY_ANNOUNCE(214),
    PLUMTREE_PRUNE(215),
    PLUMTREE_GRAFT(216),
    PLUMTREE_REQUEST_BY_HASH(217),
    REGISTER_PEER(218),
    REGISTER_ACK(219),
    DIG_MESSAGE(220),
    STORE_MELTED(221),
    HOLDINGS_ANNOUNCE(222),
    PROFILE_ROOT_ANNOUNCE(223),
    PROFILE_BODY_REQUEST(224),
    PROFILE_BODY(225),
    DISTRIBUTOR_ANNOUNCE(226),
    /** This project's signed node messages ({@link NodeMessage}); outside the DIG network's assignments (D31a). */
    DIG_NODE_MESSAGE(240),
    /** This project's Kademlia DHT messages; outside the DIG network's assignments (docs/decisions.md D40a). */
    DIG_DHT(241),
    /** This project's relay frames ({@link RelayFrame}) for nodes behind a NAT (docs/decisions.md D50r). */
    DIG_RELAY(242);

    public static final int FIRST = 200;
    /** The last code of the band the DIG network has assigned (contiguous from {@link #FIRST}). */
    public static final int LAST = 226;
    private static final DigMessageType[] BY_CODE = new DigMessageType[256];

    static {
        for (DigMessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    DigMessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<DigMessageType> of(int code) {
        return code < FIRST || code > 0xFF ? Optional.empty() : Optional.ofNullable(BY_CODE[code]);
    }

    /**
     * The one definition of the DIG band: types 200..254. 255 is Chia's {@code error}
     * ({@link ChiaMessageType#ERROR}), which every Chia node understands, so it is not DIG's; the band's
     * unassigned codes (227..254) are DIG's all the same.
     */
    public static boolean isDigBand(int rawType) {
        return rawType >= FIRST && rawType <= 0xFF && rawType != 255;
    }
}
