package net.dig.gossip;

import java.util.Arrays;
import net.dig.wire.DigMessageType;
import net.dig.wire.LazyAnnounce;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.ReconciliationResponse;
import net.dig.wire.ReconciliationSketch;
import net.dig.wire.RequestByHash;

/**
 * Per-opcode limits: Chia V2 for Chia opcodes (docs/formats/wire.md, {@code rate_limit_numbers.py}
 * V1 overlaid by V2) and dig-gossip's table for the DIG band (§2.5, {@code inbound_limits.rs}). Types not
 * listed get the default row of chia-sdk-client: 100 per minute, 1 MiB each, 100 MiB per window,
 * counted in the aggregate for Chia opcodes. Plumtree control (214-217) and the consensus gossip payloads
 * get rows derived from the router's timers ({@link PlumtreeRateBudget}); which payload types those are is
 * {@link PlumtreeRoutes#budgetedPayloadTypes()}. Immutable.
 */
public final class RateLimitTable {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    /** Non-transaction aggregate per window (Chia {@code non_tx_freq}, {@code non_tx_max_total_size}). */
    public static final int AGGREGATE_FREQUENCY = 1000;
    public static final long AGGREGATE_MAX_TOTAL = 100L * MIB;

    /**
     * WebSocket Ping frames a peer may send per window: they are not messages and have no row in Chia's
     * table, but each costs an answer. Two a second is far above what a keepalive needs (ours pings every 30 s);
     * 125 bytes is the WebSocket limit of a control frame.
     */
    public static final RateLimit WEBSOCKET_PING = RateLimit.of(120, 125, false);

    /**
     * The row index of node-message exchanges: opcode-240 frames that carry a request id (capsule and
     * metadata requests, their answers, offers and their replies) are counted here, apart from the one-hop
     * node messages of row 240, so bulk transfer neither starves nor is starved by announcements.
     */
    public static final int NODE_EXCHANGE_ROW = 256;

    /**
     * Row {@link #NODE_EXCHANGE_ROW}: sized for bulk (one connection may carry a replication at disk speed,
     * within the outbound share), bounded so a flood still ends in a violation. What a provider actually
     * sends is decided by its upload budget; the asker bounds answers by the windows it has in flight.
     */
    public static final RateLimit NODE_EXCHANGE = RateLimit.of(120_000, NodeMessageLimits.DEFAULT.maxMessageBytes(),
            96L * 1024 * MIB, false);

    private final RateLimit[] rows;

    private RateLimitTable(RateLimit[] rows) {
        this.rows = rows;
    }

    public RateLimit limitFor(int type) {
        return rows[type & 0xFF];
    }

    /** The row index that counts a frame of {@code type}, with or without a request id (0..256). */
    public static int rowOf(int type, boolean hasId) {
        int t = type & 0xFF;
        return hasId && t == NodeMessage.OPCODE ? NODE_EXCHANGE_ROW : t;
    }

    /** The limit of row {@code row} ({@link #rowOf}). */
    public RateLimit row(int row) {
        return rows[row];
    }

    /** The table a DIG node uses for every connection (both sides advertise capability 3). */
    public static RateLimitTable standard() {
        return standard(PlumtreeConfig.defaults());
    }

    /** The standard table with the Plumtree rows sized for {@code plumtree} (docs/decisions.md D4). */
    public static RateLimitTable standard(PlumtreeConfig plumtree) {
        RateLimit[] r = new RateLimit[NODE_EXCHANGE_ROW + 1];
        RateLimit chiaDefault = RateLimit.of(100, MIB, 100L * MIB, true);
        RateLimit digDefault = RateLimit.of(100, MIB, 100L * MIB, false);
        for (int t = 0; t < 256; t++) {
            r[t] = DigMessageType.isDigBand(t) ? digDefault : chiaDefault;
        }
        // Chia V2 (docs/formats/wire.md key rows).
        r[1] = RateLimit.of(5, 10 * KIB, 50 * KIB, true);
        r[20] = RateLimit.of(200, 512, true);
        r[21] = RateLimit.of(5000, 100, 500_000, false);
        r[22] = RateLimit.of(5000, 100, 500_000, false);
        r[23] = RateLimit.of(5000, MIB, 20L * MIB, false);
        r[24] = RateLimit.of(5, 100, true);
        r[26] = RateLimit.of(200, 100, true);
        r[27] = RateLimit.unlimited(2 * MIB);
        r[28] = RateLimit.unlimited(100);
        r[29] = RateLimit.of(500, 100, true);
        r[30] = RateLimit.unlimited(50 * MIB);
        r[31] = RateLimit.unlimited(100);
        r[32] = RateLimit.of(200, 100, true);
        r[92] = RateLimit.of(200, 100, true);
        r[34] = RateLimit.of(200, 2 * MIB, 20L * MIB, true);
        r[39] = RateLimit.of(5, MIB, true);
        r[43] = RateLimit.of(10, 100, true);
        r[44] = RateLimit.of(10, MIB, true);
        r[63] = RateLimit.of(100, 100, true);
        r[64] = RateLimit.of(100, MIB, true);
        r[111] = RateLimit.of(5, 1024, 1024, true);
        r[255] = RateLimit.of(50_000, 100, false);
        // DIG band (docs/formats/wire.md).
        r[200] = RateLimit.of(100, 4096, false);
        r[201] = RateLimit.of(10, 8192, false);
        r[202] = RateLimit.of(100, 4096, false);
        r[203] = RateLimit.of(10, 1024, false);
        r[204] = RateLimit.of(10, 65536, false);
        r[205] = RateLimit.of(10, 1024, false);
        r[206] = RateLimit.of(10, 8192, false);
        r[207] = RateLimit.of(10, 65536, false);
        r[208] = RateLimit.of(10, 4096, false);
        // Compact block relay and Dandelion++ stems (docs/formats/wire.md): a full block in 2 MiB as Chia's
        // respond_block, a stem transaction as Chia's respond_transaction.
        r[209] = RateLimit.of(600, 256 * KIB, false);
        r[210] = RateLimit.of(600, 2 * MIB, 100L * MIB, false);
        r[213] = RateLimit.of(5000, MIB + 64, 20L * MIB, false);
        // ERLAY (D51a): one round per connection per reconciliation interval, each an initial sketch, perhaps
        // an extension, and their answers; 600 a minute leaves room for intervals down to 200 ms.
        r[ReconciliationSketch.OPCODE] = RateLimit.of(600, 16 + 4 * ReconciliationSketch.MAX_CAPACITY, false);
        r[ReconciliationResponse.OPCODE] = RateLimit.of(600, 16 + 4 * ReconciliationResponse.MAX_ASKED, false);
        r[218] = RateLimit.of(4, 512, false);
        r[219] = RateLimit.of(4, 256, false);
        r[221] = RateLimit.of(10, 164, false).droppingWhenOverRate();
        r[222] = RateLimit.of(20, 128 * KIB, false).droppingWhenOverRate();
        r[223] = RateLimit.of(20, 64, false);
        r[224] = RateLimit.of(60, 64, false);
        // dig-gossip lists 1 MiB; the body allows a 1 MiB profile plus its 68-byte header, so the cap leaves room for it.
        r[225] = RateLimit.of(60, MIB + 128, false);
        // Node messages (D31a) without a request id; those with one count in NODE_EXCHANGE_ROW.
        r[NodeMessage.OPCODE] = RateLimit.of(1200, NodeMessageLimits.DEFAULT.maxMessageBytes(), 1200L * MIB, false);
        r[NODE_EXCHANGE_ROW] = NODE_EXCHANGE;
        // DHT messages (D40a): the DHT's own per-peer budget (50/s, burst 200) decides; this row only bounds size.
        r[DigMessageType.DIG_DHT.code()] = RateLimit.of(12_000, 128 * KIB, false);
        // Relay frames (D50r): the relay's per-peer byte bucket decides; this row bounds size and a high count.
        r[DigMessageType.DIG_RELAY.code()] = RateLimit.of(120_000, net.dig.wire.RelayFrame.MAX_DATA + 16, false);
        PlumtreeRateBudget budget = new PlumtreeRateBudget(plumtree);
        for (int t = LazyAnnounce.OPCODE; t <= RequestByHash.OPCODE; t++) {
            r[t] = RateLimit.of(budget.frequency(t), PlumtreeRateBudget.maxControlBodySize(t), false);
        }
        PlumtreeRoutes.budgetedPayloadTypes().forEach(t ->
                r[t] = RateLimit.of(Math.max(r[t].frequency(), budget.frequency(t)), r[t].maxSize(), false));
        return new RateLimitTable(r);
    }

    /** A copy with one row replaced (for tests and for operator overrides). */
    public RateLimitTable with(int type, RateLimit limit) {
        return withRow(type & 0xFF, limit);
    }

    /** A copy with row {@code row} ({@link #rowOf}) replaced. */
    public RateLimitTable withRow(int row, RateLimit limit) {
        RateLimit[] copy = Arrays.copyOf(rows, rows.length);
        copy[row] = limit;
        return new RateLimitTable(copy);
    }
}
