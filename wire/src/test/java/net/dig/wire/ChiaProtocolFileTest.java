package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;

/**
 * Bodies taken byte for byte from Chia's own protocol test file (vectors/chia-protocol-messages.txt):
 * decode then re-encode gives the bytes back, and the values from {@code network_protocol_data.py}
 * encode to the same bytes. This is the check of our Streamable rules against Chia's encoder.
 */
class ChiaProtocolFileTest {
    private static final WireLimits L = WireLimits.DEFAULT;
    private static final Map<String, byte[]> V = Vectors.load("chia-protocol-messages.txt");

    private static Bytes32 h(String hex) {
        return Bytes32.fromHex(hex);
    }

    @Test
    void everyEntryRoundTripsThroughItsRecord() {
        Map<String, Function<StreamableReader, ? extends Streamable>> decoders = Map.ofEntries(
                Map.entry("new_peak@7", NewPeak::decode),
                Map.entry("new_transaction@8", NewTransaction::decode),
                Map.entry("request_transaction@9", RequestTransaction::decode),
                Map.entry("respond_transaction@10", RespondTransaction::decode),
                Map.entry("request_block@13", RequestBlock::decode),
                Map.entry("reject_block@14", RejectBlock::decode),
                Map.entry("request_blocks@15", RequestBlocks::decode),
                Map.entry("reject_blocks@17", RejectBlocks::decode),
                Map.entry("new_unfinished_block@19", NewUnfinishedBlock::decode),
                Map.entry("request_unfinished_block@20", RequestUnfinishedBlock::decode),
                Map.entry("request_mempool_transactions@26", RequestMempoolTransactions::decode),
                Map.entry("request_peers@30", RequestPeers::decode),
                Map.entry("respond_peers@31", RespondPeers::decode),
                Map.entry("new_unfinished_block2@32", NewUnfinishedBlock2::decode),
                Map.entry("request_peers_introducer@91", RequestPeersIntroducer::decode),
                Map.entry("respond_peers_introducer@92", RespondPeersIntroducer::decode),
                Map.entry("error_without_data@113", ChiaError::decode),
                Map.entry("error_with_data@114", ChiaError::decode));
        assertThat(decoders.keySet()).isEqualTo(V.keySet());
        V.forEach((name, bytes) ->
                assertThat(Streamable.decodeFully(bytes, L, decoders.get(name)).encode()).as(name).isEqualTo(bytes));
    }

    @Test
    void valuesFromChiasDataFileEncodeToItsBytes() {
        List<Map.Entry<String, Streamable>> expected = List.of(
                Map.entry("new_peak@7", new NewPeak(h("8a346e8dc02e9b44c0571caa74fd99f163d4c5d7deae9f8ddb00528721493f7a"),
                        2653549198L, new BigInteger("196318552117141200341240034145143439804"), 928039765L,
                        h("dd421c55d4edaeeb3ad60e80d73c2005a1b275c381c7e418915200d7467711b5"))),
                Map.entry("new_transaction@8", new NewTransaction(h("e4fe833328d4e82f9c57bc1fc2082c9b63da23e46927522cb5a073f9f0979b6a"),
                        Long.parseUnsignedLong("13950654730705425115"), Long.parseUnsignedLong("10674036971945712700"))),
                Map.entry("request_transaction@9", new RequestTransaction(h("3dc310a07be53bfd701e4a0d77ce39836eeab4717fe25b1ae4c3f16aad0e5d83"))),
                Map.entry("request_block@13", new RequestBlock(678860074L, false)),
                Map.entry("reject_block@14", new RejectBlock(966946253L)),
                Map.entry("request_blocks@15", new RequestBlocks(2578479570L, 3884442719L, false)),
                Map.entry("reject_blocks@17", new RejectBlocks(1160742782L, 1856800720L)),
                Map.entry("new_unfinished_block@19", new NewUnfinishedBlock(h("229646fb33551966039d9324c0d10166c554d20e9a11e3f30942ec0bb346377e"))),
                Map.entry("request_unfinished_block@20", new RequestUnfinishedBlock(h("8b5e5a59f33bb89e1bfd5aca79409352864e70aa7765c331d641875f83d59d1d"))),
                Map.entry("request_mempool_transactions@26", new RequestMempoolTransactions(new byte[32])),
                Map.entry("request_peers@30", new RequestPeers()),
                Map.entry("respond_peers@31", new RespondPeers(List.of(new TimestampedPeerInfo("127.0.0.1", 8444, 10796)))),
                Map.entry("new_unfinished_block2@32", new NewUnfinishedBlock2(h("229646fb33551966039d9324c0d10166c554d20e9a11e3f30942ec0bb346377e"),
                        Optional.of(h("166c554d20e9a11e3f30942ec0bb346377e229646fb33551966039d9324c0d10")))),
                Map.entry("request_peers_introducer@91", new RequestPeersIntroducer()),
                Map.entry("respond_peers_introducer@92", new RespondPeersIntroducer(List.of(
                        new TimestampedPeerInfo("127.0.0.1", 49878, Long.parseUnsignedLong("15079028934557257795"))))),
                Map.entry("error_without_data@113", new ChiaError(1, "Unknown", Optional.empty())),
                Map.entry("error_with_data@114", new ChiaError(1, "Unknown", Optional.of("extra data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))));
        for (var e : expected) {
            assertThat(e.getValue().encode()).as(e.getKey()).isEqualTo(V.get(e.getKey()));
        }
        RespondTransaction tx = Streamable.decodeFully(V.get("respond_transaction@10"), L, RespondTransaction::decode);
        assertThat(tx.spendBundle()).hasSize(350);
    }
}
