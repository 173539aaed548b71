package net.dig.gossip;

import java.util.Collection;
import java.util.OptionalLong;
import net.dig.core.Bytes32;
import net.dig.wire.RelayTransaction;

/**
 * What compact block relay reads of the node's mempool: the transactions it can rebuild a block
 * from, and when each arrived (to prefill the ones peers are unlikely to have yet). Read on the
 * relay's thread; an implementation backed by a concurrent pool may return a snapshot.
 */
public interface MempoolView {
    /** Every transaction the pool holds now. */
    Collection<RelayTransaction> transactions();

    /** When the transaction entered the pool, in the relay clock's milliseconds; empty when it is not there. */
    OptionalLong receivedAt(Bytes32 transactionId);
}
