package net.dig.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.testkit.ManualClock;
import net.dig.wire.HoldingsAnnounce;
import net.dig.wire.HoldingsAnnounce.Add;
import net.dig.wire.HoldingsAnnounce.Address;
import net.dig.wire.HoldingsAnnounce.Change;
import net.dig.wire.HoldingsAnnounce.Remove;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HoldingsBookTest {
    private static final long START = 1_800_000_000_000L;
    private static final Bytes32 A = Sha256.hash("datastore-a".getBytes());
    private static final Bytes32 B = Sha256.hash("datastore-b".getBytes());
    private static final List<Address> HERE = List.of(new Address("127.0.0.1", 9444));

    private ManualClock clock;
    private HoldingsBook book;
    private KeyPair key;
    private PeerId peer;

    @BeforeEach
    void setUp() throws Exception {
        clock = new ManualClock(START);
        book = new HoldingsBook(clock, HoldingsConfig.defaults());
        key = p256();
        peer = PeerId.fromSpkiDer(key.getPublic().getEncoded());
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private HoldingsAnnounce announce(KeyPair k, long seq, long at, List<Change> changes) {
        return HoldingsAnnounce.sign(k.getPrivate(), k.getPublic().getEncoded(), seq, at, changes);
    }

    private long now() {
        return clock.epochSeconds();
    }

    private Add add(Bytes32 key) {
        return new Add(key, HERE, now() + 3600);
    }

    @Test
    void addThenRemoveTracksTheHolderAndNothingIsForwarded() {
        Verdict v = book.offer(peer, announce(key, 1, now(), List.of(add(A), add(B))));
        assertEquals(Verdict.IGNORE, v, "the book consumes the announcement; the router must not forward it");
        assertEquals(1, book.accepted());
        assertEquals(List.of(new HoldingsBook.Holder(peer, HERE, now() + 3600)), book.holders(A));
        book.offer(peer, announce(key, 2, now(), List.of(new Remove(A))));
        assertEquals(List.of(), book.holders(A));
        assertEquals(1, book.holders(B).size());
        assertEquals(2, book.accepted());
    }

    @Test
    void aForgedSignatureIsRejectedAndChangesNothing() throws Exception {
        HoldingsAnnounce good = announce(key, 1, now(), List.of(add(A)));
        HoldingsAnnounce forged = new HoldingsAnnounce(good.providerPeerId(), good.providerSpki(), 1, now(), List.of(add(B)), good.signature());
        assertEquals(Verdict.reject(PenaltyReason.INVALID_SIGNATURE), book.offer(peer, forged));
        assertEquals(List.of(), book.holders(B));
        assertEquals(0, book.accepted());
        KeyPair other = p256();
        assertEquals(Verdict.reject(PenaltyReason.MALFORMED_MESSAGE), book.offer(peer, new byte[] {0, 1, 2}));
        assertEquals(Verdict.IGNORE, book.offer(peer, announce(other, 1, now(), List.of(add(A)))), "another provider's announce relayed by this peer");
        assertEquals(List.of(), book.holders(A));
    }

    @Test
    void replayedAndOlderSequencesAreRejected() {
        HoldingsAnnounce first = announce(key, 5, now(), List.of(add(A)));
        book.offer(peer, first);
        assertEquals(Verdict.reject(PenaltyReason.REPLAYED_MESSAGE), book.offer(peer, first));
        assertEquals(Verdict.reject(PenaltyReason.REPLAYED_MESSAGE), book.offer(peer, announce(key, 4, now(), List.of(new Remove(A)))));
        assertEquals(1, book.holders(A).size());
        book.offer(peer, announce(key, 6, now(), List.of(new Remove(A))));
        assertEquals(List.of(), book.holders(A));
    }

    @Test
    void timestampsOutsideTheWindowAreStale() {
        assertEquals(Verdict.reject(PenaltyReason.STALE_MESSAGE), book.offer(peer, announce(key, 1, now() - 301, List.of(add(A)))));
        assertEquals(Verdict.reject(PenaltyReason.STALE_MESSAGE), book.offer(peer, announce(key, 2, now() + 301, List.of(add(A)))));
        assertEquals(0, book.accepted());
        book.offer(peer, announce(key, 3, now() - 300, List.of(add(A))));
        assertEquals(1, book.accepted(), "a stale announce did not burn the sequence; the edge of the window passes");
    }

    @Test
    void frameAndDeltaBudgetsPerSenderPerWindow() {
        long seq = 1;
        for (int i = 0; i < 10; i++) {
            book.offer(peer, announce(key, seq++, now(), List.of(add(A))));
        }
        assertEquals(10, book.accepted());
        book.offer(peer, announce(key, seq++, now(), List.of(new Remove(A))));
        assertEquals(10, book.accepted(), "the 11th frame in a window is dropped");
        assertEquals(1, book.holders(A).size());
        clock.advance(Duration.ofSeconds(60));
        List<Change> many = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            many.add(new Remove(Sha256.hash(new byte[] {(byte) i})));
        }
        for (int i = 0; i < 4; i++) {
            book.offer(peer, announce(key, seq++, now(), many));
        }
        assertEquals(14, book.accepted());
        book.offer(peer, announce(key, seq++, now(), List.of(new Remove(A))));
        assertEquals(14, book.accepted(), "1025 deltas in a window are over budget");
        assertEquals(1, book.holders(A).size());
    }

    @Test
    void expiredEntriesAreNotReturned() {
        book.offer(peer, announce(key, 1, now(), List.of(new Add(A, HERE, now() + 10))));
        assertEquals(1, book.holders(A).size());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(List.of(), book.holders(A));
    }

    @Test
    void providersAndKeysAreBounded() throws Exception {
        HoldingsBook small = new HoldingsBook(clock, new HoldingsConfig(Duration.ofSeconds(300), 10, 1024, Duration.ofSeconds(60), 2, 1));
        small.offer(peer, announce(key, 1, now(), List.of(add(A), add(B))));
        assertEquals(1, small.holders(A).size());
        assertEquals(List.of(), small.holders(B), "the second key is over the provider's bound");
        List<PeerId> others = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            KeyPair k = p256();
            PeerId p = PeerId.fromSpkiDer(k.getPublic().getEncoded());
            others.add(p);
            small.offer(p, announce(k, 1, now(), List.of(add(B))));
        }
        assertEquals(2, small.providers());
        assertEquals(List.of(), small.holders(A), "the least recently heard provider was forgotten with what it held");
        assertTrue(small.holders(B).stream().map(HoldingsBook.Holder::peer).toList().containsAll(others));
        small.forget(others.get(0));
        assertEquals(1, small.holders(B).size());
    }

    @Test
    void theBookHoldsAtMostItsEntriesOverAllProvidersAndFreesThemOnRemove() throws Exception {
        HoldingsBook capped = new HoldingsBook(clock, HoldingsConfig.defaults(), 3);
        Bytes32 c = Sha256.hash("datastore-c".getBytes());
        capped.offer(peer, announce(key, 1, now(), List.of(add(A), add(B))));
        KeyPair otherKey = p256();
        PeerId other = PeerId.fromSpkiDer(otherKey.getPublic().getEncoded());
        capped.offer(other, announce(otherKey, 1, now(), List.of(add(A), add(c))));
        assertEquals(3, capped.entries());
        assertEquals(List.of(), capped.holders(c), "over the book's bound");
        assertEquals(2, capped.holders(A).size());
        capped.offer(peer, announce(key, 2, now(), List.of(add(A))));
        assertEquals(3, capped.entries(), "a renewed entry takes no new room");
        capped.offer(peer, announce(key, 3, now(), List.of(new Remove(B))));
        capped.offer(other, announce(otherKey, 2, now(), List.of(add(c))));
        assertEquals(3, capped.entries());
        assertEquals(List.of(other), capped.holders(c).stream().map(HoldingsBook.Holder::peer).toList());
        capped.forget(other);
        assertEquals(1, capped.entries());
        assertEquals(List.of(peer), capped.holders(A).stream().map(HoldingsBook.Holder::peer).toList());
    }

    @Test
    void aProvidersHoldersShareOneAddressListWhileItsAddressesStayTheSame() {
        book.offer(peer, announce(key, 1, now(), List.of(new Add(A, List.of(new Address("127.0.0.1", 9444)), now() + 3600),
                new Add(B, List.of(new Address("127.0.0.1", 9444)), now() + 3600))));
        assertSame(book.holders(A).getFirst().addresses(), book.holders(B).getFirst().addresses());
        List<Address> moved = List.of(new Address("127.0.0.2", 9444));
        book.offer(peer, announce(key, 2, now(), List.of(new Add(B, moved, now() + 3600))));
        assertEquals(moved, book.holders(B).getFirst().addresses());
        assertEquals(HERE, book.holders(A).getFirst().addresses());
    }
}
