package net.dig.wire;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * A block as compact block relay moves it: an opaque header and its ordered transactions, the first
 * one the coinbase. The block commits to its transactions through
 * {@code transactions_root = SHA-256(id_0 || id_1 || ... || id_n-1)} and is named by
 * {@code block_id = SHA-256(header || transactions_root)}, so a receiver holding only the header and
 * the root (a compact block) knows the id, and a block rebuilt from short ids is checked against it.
 *
 * <p>Immutable. At most {@value #MAX_TRANSACTIONS} transactions, a header of at most
 * {@value #MAX_HEADER_BYTES} bytes, and {@value #MAX_BYTES} bytes in all as a FullBlock body, so that the
 * whole block fits one frame of the 210 rate-limit row.
 */
public final class RelayBlock {
    public static final int MAX_TRANSACTIONS = 65_535;
    public static final int MAX_HEADER_BYTES = 4096;
    public static final int MAX_BYTES = (2 << 20) - 1024;

    private final byte[] header;
    private final List<RelayTransaction> transactions;
    private final Bytes32 transactionsRoot;
    private final Bytes32 id;

    public RelayBlock(byte[] header, List<RelayTransaction> transactions) {
        checkHeader(header);
        this.header = header.clone();
        this.transactions = List.copyOf(transactions);
        if (this.transactions.isEmpty() || this.transactions.size() > MAX_TRANSACTIONS) {
            throw new IllegalArgumentException("a block holds 1.." + MAX_TRANSACTIONS + " transactions, not " + this.transactions.size());
        }
        long size = 2 + 4 + header.length + 4 + this.transactions.stream().mapToLong(RelayTransaction::encodedSize).sum();
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException("a block takes at most " + MAX_BYTES + " bytes as a FullBlock body, not " + size);
        }
        this.transactionsRoot = transactionsRoot(this.transactions.stream().map(RelayTransaction::id).toList());
        this.id = blockId(this.header, transactionsRoot);
    }

    static void checkHeader(byte[] header) {
        WireChecks.notNull("header", header);
        if (header.length > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("a block header holds at most " + MAX_HEADER_BYTES + " bytes, not " + header.length);
        }
    }

    /** {@code SHA-256(id_0 || ... || id_n-1)}. */
    public static Bytes32 transactionsRoot(List<Bytes32> ids) {
        MessageDigest d = Sha256.newDigest();
        for (Bytes32 txId : ids) {
            d.update(txId.toArray());
        }
        return Bytes32.wrap(d.digest());
    }

    /** {@code SHA-256(header || transactions_root)}. */
    public static Bytes32 blockId(byte[] header, Bytes32 transactionsRoot) {
        return Sha256.hash(header, transactionsRoot.toArray());
    }

    public Bytes32 id() {
        return id;
    }

    public byte[] header() {
        return header.clone();
    }

    public Bytes32 transactionsRoot() {
        return transactionsRoot;
    }

    public List<RelayTransaction> transactions() {
        return transactions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelayBlock b && id.equals(b.id) && Arrays.equals(header, b.header);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "RelayBlock[" + id.toHex().substring(0, 16) + ", " + transactions.size() + " txs]";
    }
}
