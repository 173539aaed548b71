package net.dig.wire;

import java.util.Optional;

/**
 * Chia {@code ProtocolMessageTypes} (u8), from {@code chia/protocols/protocol_message_types.py}.
 * Codes 94..103 (subscription and coin/puzzle-state wallet messages) are not listed: the node neither
 * sends nor answers them, and {@link Message} carries them through unchanged as raw types.
 */
public enum ChiaMessageType {
    HANDSHAKE(1, "handshake"),
    HARVESTER_HANDSHAKE(3, "harvester_handshake"),
    NEW_PROOF_OF_SPACE(5, "new_proof_of_space"),
    REQUEST_SIGNATURES(6, "request_signatures"),
    RESPOND_SIGNATURES(7, "respond_signatures"),
    NEW_SIGNAGE_POINT(8, "new_signage_point"),
    DECLARE_PROOF_OF_SPACE(9, "declare_proof_of_space"),
    REQUEST_SIGNED_VALUES(10, "request_signed_values"),
    SIGNED_VALUES(11, "signed_values"),
    FARMING_INFO(12, "farming_info"),
    NEW_PEAK_TIMELORD(13, "new_peak_timelord"),
    NEW_UNFINISHED_BLOCK_TIMELORD(14, "new_unfinished_block_timelord"),
    NEW_INFUSION_POINT_VDF(15, "new_infusion_point_vdf"),
    NEW_SIGNAGE_POINT_VDF(16, "new_signage_point_vdf"),
    NEW_END_OF_SUB_SLOT_VDF(17, "new_end_of_sub_slot_vdf"),
    REQUEST_COMPACT_PROOF_OF_TIME(18, "request_compact_proof_of_time"),
    RESPOND_COMPACT_PROOF_OF_TIME(19, "respond_compact_proof_of_time"),
    NEW_PEAK(20, "new_peak"),
    NEW_TRANSACTION(21, "new_transaction"),
    REQUEST_TRANSACTION(22, "request_transaction"),
    RESPOND_TRANSACTION(23, "respond_transaction"),
    REQUEST_PROOF_OF_WEIGHT(24, "request_proof_of_weight"),
    RESPOND_PROOF_OF_WEIGHT(25, "respond_proof_of_weight"),
    REQUEST_BLOCK(26, "request_block"),
    RESPOND_BLOCK(27, "respond_block"),
    REJECT_BLOCK(28, "reject_block"),
    REQUEST_BLOCKS(29, "request_blocks"),
    RESPOND_BLOCKS(30, "respond_blocks"),
    REJECT_BLOCKS(31, "reject_blocks"),
    NEW_UNFINISHED_BLOCK(32, "new_unfinished_block"),
    REQUEST_UNFINISHED_BLOCK(33, "request_unfinished_block"),
    RESPOND_UNFINISHED_BLOCK(34, "respond_unfinished_block"),
    NEW_SIGNAGE_POINT_OR_END_OF_SUB_SLOT(35, "new_signage_point_or_end_of_sub_slot"),
    REQUEST_SIGNAGE_POINT_OR_END_OF_SUB_SLOT(36, "request_signage_point_or_end_of_sub_slot"),
    RESPOND_SIGNAGE_POINT(37, "respond_signage_point"),
    RESPOND_END_OF_SUB_SLOT(38, "respond_end_of_sub_slot"),
    REQUEST_MEMPOOL_TRANSACTIONS(39, "request_mempool_transactions"),
    REQUEST_COMPACT_VDF(40, "request_compact_vdf"),
    RESPOND_COMPACT_VDF(41, "respond_compact_vdf"),
    NEW_COMPACT_VDF(42, "new_compact_vdf"),
    REQUEST_PEERS(43, "request_peers"),
    RESPOND_PEERS(44, "respond_peers"),
    REQUEST_PUZZLE_SOLUTION(45, "request_puzzle_solution"),
    RESPOND_PUZZLE_SOLUTION(46, "respond_puzzle_solution"),
    REJECT_PUZZLE_SOLUTION(47, "reject_puzzle_solution"),
    SEND_TRANSACTION(48, "send_transaction"),
    TRANSACTION_ACK(49, "transaction_ack"),
    NEW_PEAK_WALLET(50, "new_peak_wallet"),
    REQUEST_BLOCK_HEADER(51, "request_block_header"),
    RESPOND_BLOCK_HEADER(52, "respond_block_header"),
    REJECT_HEADER_REQUEST(53, "reject_header_request"),
    REQUEST_REMOVALS(54, "request_removals"),
    RESPOND_REMOVALS(55, "respond_removals"),
    REJECT_REMOVALS_REQUEST(56, "reject_removals_request"),
    REQUEST_ADDITIONS(57, "request_additions"),
    RESPOND_ADDITIONS(58, "respond_additions"),
    REJECT_ADDITIONS_REQUEST(59, "reject_additions_request"),
    REQUEST_HEADER_BLOCKS(60, "request_header_blocks"),
    REJECT_HEADER_BLOCKS(61, "reject_header_blocks"),
    RESPOND_HEADER_BLOCKS(62, "respond_header_blocks"),
    REQUEST_PEERS_INTRODUCER(63, "request_peers_introducer"),
    RESPOND_PEERS_INTRODUCER(64, "respond_peers_introducer"),
    FARM_NEW_BLOCK(65, "farm_new_block"),
    NEW_SIGNAGE_POINT_HARVESTER(66, "new_signage_point_harvester"),
    REQUEST_PLOTS(67, "request_plots"),
    RESPOND_PLOTS(68, "respond_plots"),
    COIN_STATE_UPDATE(69, "coin_state_update"),
    REGISTER_FOR_PH_UPDATES(70, "register_for_ph_updates"),
    RESPOND_TO_PH_UPDATES(71, "respond_to_ph_updates"),
    REGISTER_FOR_COIN_UPDATES(72, "register_for_coin_updates"),
    RESPOND_TO_COIN_UPDATES(73, "respond_to_coin_updates"),
    REQUEST_CHILDREN(74, "request_children"),
    RESPOND_CHILDREN(75, "respond_children"),
    REQUEST_SES_HASHES(76, "request_ses_hashes"),
    RESPOND_SES_HASHES(77, "respond_ses_hashes"),
    PLOT_SYNC_START(78, "plot_sync_start"),
    PLOT_SYNC_LOADED(79, "plot_sync_loaded"),
    PLOT_SYNC_REMOVED(80, "plot_sync_removed"),
    PLOT_SYNC_INVALID(81, "plot_sync_invalid"),
    PLOT_SYNC_KEYS_MISSING(82, "plot_sync_keys_missing"),
    PLOT_SYNC_DUPLICATES(83, "plot_sync_duplicates"),
    PLOT_SYNC_DONE(84, "plot_sync_done"),
    PLOT_SYNC_RESPONSE(85, "plot_sync_response"),
    REQUEST_BLOCK_HEADERS(86, "request_block_headers"),
    REJECT_BLOCK_HEADERS(87, "reject_block_headers"),
    RESPOND_BLOCK_HEADERS(88, "respond_block_headers"),
    REQUEST_FEE_ESTIMATES(89, "request_fee_estimates"),
    RESPOND_FEE_ESTIMATES(90, "respond_fee_estimates"),
    NONE_RESPONSE(91, "none_response"),
    NEW_UNFINISHED_BLOCK2(92, "new_unfinished_block2"),
    REQUEST_UNFINISHED_BLOCK2(93, "request_unfinished_block2"),
    MEMPOOL_ITEMS_ADDED(104, "mempool_items_added"),
    MEMPOOL_ITEMS_REMOVED(105, "mempool_items_removed"),
    REQUEST_COST_INFO(106, "request_cost_info"),
    RESPOND_COST_INFO(107, "respond_cost_info"),
    SOLUTION_RESPONSE(108, "solution_response"),
    SOLVE(109, "solve"),
    PARTIAL_PROOFS(110, "partial_proofs"),
    CONFIGURE_WINDOW_SIZES(111, "configure_window_sizes"),
    PLOT_SYNC_LOADED2(112, "plot_sync_loaded2"),
    RESPOND_PLOTS2(113, "respond_plots2"),
    ERROR(255, "error");

    private static final ChiaMessageType[] BY_CODE = new ChiaMessageType[256];

    static {
        for (ChiaMessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final String wireName;

    ChiaMessageType(int code, String wireName) {
        this.code = code;
        this.wireName = wireName;
    }

    public int code() {
        return code;
    }

    /** The snake_case name Chia uses (logs, rate-limit tables). */
    public String wireName() {
        return wireName;
    }

    public static Optional<ChiaMessageType> of(int code) {
        return (code & ~0xFF) != 0 ? Optional.empty() : Optional.ofNullable(BY_CODE[code]);
    }
}
