package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.gossip.DhtMessage.AddProvider;
import net.dig.gossip.DhtMessage.AddProviderAck;
import net.dig.gossip.DhtMessage.FindNode;
import net.dig.gossip.DhtMessage.FindProviders;
import net.dig.gossip.DhtMessage.Nodes;
import net.dig.gossip.DhtMessage.Ping;
import net.dig.gossip.DhtMessage.Pong;
import net.dig.gossip.DhtMessage.Providers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One {@link KademliaNode} driven message by message: trust rules, budgets, liveness and caps. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KademliaNodeTest {
    private static final long T0 = 1_000_000;
    private static final DhtConfig CONFIG = DhtConfig.defaults();
    private static final List<DhtAddress> ADDRESSES = List.of(new DhtAddress("10.0.0.1", 9444, DhtAddress.KIND_DIRECT));

    /** Signature of a fake scheme: SHA-256 of the provider id and the signed bytes. */
    private static byte[] fakeSign(PeerId provider, byte[] bytes) {
        return Sha256.hash(provider.value().toArray(), bytes).toArray();
    }

    private static final ProviderVerifier FAKE_VERIFIER =
            r -> Arrays.equals(r.signature(), fakeSign(r.provider(), r.signedBytes()));

    private final List<PeerId> sentTo = new ArrayList<>();
    private final List<DhtMessage> sent = new ArrayList<>();
    private final List<DhtViolation> penalties = new ArrayList<>();
    private final Map<PeerId, Double> reputations = new HashMap<>();
    private final PeerId self = peer(0x00, 1);
    private final KademliaNode node = newNode(CONFIG);

    private KademliaNode newNode(DhtConfig config) {
        return new KademliaNode(self, config, new DhtOutput() {
            @Override
            public void send(PeerId to, DhtMessage message) {
                sentTo.add(to);
                sent.add(message);
            }

            @Override
            public void penalize(PeerId peer, DhtViolation violation) {
                penalties.add(violation);
            }
        }, FAKE_VERIFIER, b -> fakeSign(self, b), p -> reputations.getOrDefault(p, 1.0), new SplittableRandom(7), T0);
    }

    /** A peer id whose first byte is {@code first} (which fixes its bucket relative to {@code self}) and last {@code n}. */
    private static PeerId peer(int first, int n) {
        byte[] b = new byte[32];
        b[0] = (byte) first;
        b[31] = (byte) n;
        b[30] = (byte) (n >>> 8);
        return new PeerId(Bytes32.wrap(b));
    }

    private static ProviderRecord record(PeerId provider, Bytes32 key, long expiresAt) {
        return ProviderRecord.signed(key, provider, ADDRESSES, expiresAt, b -> fakeSign(provider, b));
    }

    private DhtMessage last() {
        return sent.getLast();
    }

    @Test
    void aValidAnnouncementIsStoredAndServed() {
        PeerId provider = peer(0x80, 2);
        Bytes32 key = Bytes32.fromHex("11".repeat(32));
        node.onMessage(provider, new AddProvider(5, record(provider, key, T0 + CONFIG.providerTtlMillis())), T0);
        assertThat(last()).isEqualTo(new AddProviderAck(5, true));
        node.onMessage(peer(0x40, 3), new FindProviders(6, key), T0 + 1);
        Providers answer = (Providers) last();
        assertThat(answer.providers()).extracting(ProviderRecord::provider).containsExactly(provider);
        assertThat(answer.closer()).extracting(DhtContact::id).containsExactly(provider);
        assertThat(penalties).isEmpty();
    }

    @Test
    void aRecordWithABadSignatureIsRefusedAndPenalised() {
        PeerId provider = peer(0x80, 2);
        ProviderRecord good = record(provider, Bytes32.ZERO, T0 + 1000);
        byte[] sig = good.signature();
        sig[0] ^= 1;
        ProviderRecord forged = new ProviderRecord(good.contentKey(), provider, good.addresses(), good.expiresAtMillis(), sig);
        node.onMessage(provider, new AddProvider(5, forged), T0);
        assertThat(last()).isEqualTo(new AddProviderAck(5, false));
        assertThat(penalties).containsExactly(DhtViolation.INVALID_RECORD);
        assertThat(node.storedRecords()).isZero();
    }

    @Test
    void aPeerCannotAnnounceForAnotherProvider() {
        PeerId provider = peer(0x80, 2);
        node.onMessage(peer(0x80, 9), new AddProvider(5, record(provider, Bytes32.ZERO, T0 + 1000)), T0);
        assertThat(last()).isEqualTo(new AddProviderAck(5, false));
        assertThat(penalties).containsExactly(DhtViolation.INVALID_RECORD);
        assertThat(node.storedRecords()).isZero();
    }

    @Test
    void aRecordLivingLongerThanTheTtlOrAlreadyExpiredIsRefused() {
        PeerId provider = peer(0x80, 2);
        long tooLate = T0 + CONFIG.providerTtlMillis() + CONFIG.rpcTimeoutMillis() + 1;
        node.onMessage(provider, new AddProvider(5, record(provider, Bytes32.ZERO, tooLate)), T0);
        node.onMessage(provider, new AddProvider(6, record(provider, Bytes32.ZERO, T0)), T0);
        assertThat(sent).containsExactly(new AddProviderAck(5, false), new AddProviderAck(6, false));
        assertThat(penalties).containsExactly(DhtViolation.INVALID_RECORD, DhtViolation.INVALID_RECORD);
    }

    @Test
    void aLookupDropsForgedRecordsAndKeepsVerifiedOnesFromThirdParties() {
        PeerId answerer = peer(0x80, 2);
        PeerId provider = peer(0x40, 3);
        Bytes32 key = Bytes32.fromHex("22".repeat(32));
        node.addContact(DhtContact.of(answerer), T0);
        CompletableFuture<DhtLookupResult> f = node.findProviders(key, 2, T0);
        FindProviders ask = (FindProviders) last();
        ProviderRecord genuine = record(provider, key, T0 + 1000);
        ProviderRecord otherKey = record(peer(0x20, 4), Bytes32.ZERO, T0 + 1000);
        node.onMessage(answerer, new Providers(ask.requestId(), List.of(genuine, otherKey), List.of()), T0 + 10);
        assertThat(f).isCompleted();
        assertThat(f.join().providers()).containsExactly(genuine);
        assertThat(penalties).containsExactly(DhtViolation.INVALID_RECORD);
    }

    @Test
    void requestsBeyondTheBurstArePenalisedAndNotAnswered() {
        PeerId chatty = peer(0x80, 2);
        for (int i = 0; i < CONFIG.inboundBurst() + 3; i++) {
            node.onMessage(chatty, new Ping(i), T0);
        }
        assertThat(sent).hasSize(CONFIG.inboundBurst());
        assertThat(penalties).hasSize(3).containsOnly(DhtViolation.REQUEST_RATE_EXCEEDED);
        node.onMessage(chatty, new Ping(1_000), T0 + 1000);
        assertThat(last()).isEqualTo(new Pong(1_000));
    }

    @Test
    void aResponseOfTheWrongKindIsPenalisedAndALateOneIgnored() {
        PeerId peer = peer(0x80, 2);
        CompletableFuture<Boolean> pong = node.ping(peer, T0);
        long id = last().requestId();
        node.onMessage(peer, new Nodes(id, List.of()), T0 + 1);
        assertThat(penalties).containsExactly(DhtViolation.UNEXPECTED_RESPONSE);
        assertThat(pong).isCompletedWithValue(false);
        node.onMessage(peer, new Pong(id), T0 + 2);
        node.onMessage(peer(0x80, 3), new Pong(12345), T0 + 2);
        assertThat(penalties).hasSize(1);
    }

    @Test
    void peersAtOrBelowTheReputationFloorAreNeitherStoredAskedNorAnswered() {
        PeerId shunned = peer(0x80, 2);
        reputations.put(shunned, CONFIG.minReputation());
        node.addContact(DhtContact.of(shunned), T0);
        node.onMessage(shunned, new Ping(1), T0);
        assertThat(node.knows(shunned)).isFalse();
        assertThat(sent).isEmpty();
        PeerId fine = peer(0x40, 3);
        node.addContact(DhtContact.of(fine), T0);
        node.findNode(Bytes32.ZERO, T0);
        node.onMessage(fine, new Nodes(last().requestId(), List.of(DhtContact.of(shunned))), T0 + 1);
        assertThat(sentTo).containsOnly(fine);
    }

    @Test
    void aFullBucketEvictsItsLeastRecentlySeenContactOnlyAfterAFailedPing() {
        for (int i = 0; i < CONFIG.k(); i++) {
            node.addContact(DhtContact.of(peer(0x80, i)), T0 + i);
        }
        PeerId newcomer = peer(0x80, 100);
        node.addContact(DhtContact.of(newcomer), T0 + 100);
        assertThat(node.knows(newcomer)).isFalse();
        assertThat(last()).isInstanceOf(Ping.class);
        assertThat(sentTo.getLast()).isEqualTo(peer(0x80, 0));
        node.onMessage(peer(0x80, 0), new Pong(last().requestId()), T0 + 101);
        assertThat(node.knows(peer(0x80, 0))).as("the head answered and stays").isTrue();

        PeerId second = peer(0x80, 101);
        node.addContact(DhtContact.of(second), T0 + 200);
        assertThat(sentTo.getLast()).isEqualTo(peer(0x80, 1));
        node.onTick(T0 + 200 + CONFIG.rpcTimeoutMillis());
        assertThat(node.knows(peer(0x80, 1))).as("the head failed its ping").isFalse();
        assertThat(node.knows(second)).as("the newest replacement took its place").isTrue();
        assertThat(node.knows(newcomer)).isFalse();
        assertThat(node.routingTableSize()).isEqualTo(CONFIG.k());
    }

    @Test
    void aLookupThatTimesOutPingsThePeerBeforeEvictingIt() {
        PeerId silent = peer(0x80, 2);
        node.addContact(DhtContact.of(silent), T0);
        CompletableFuture<DhtLookupResult> f = node.findNode(Bytes32.ZERO, T0);
        assertThat(last()).isInstanceOf(FindNode.class);
        node.onTick(T0 + CONFIG.rpcTimeoutMillis());
        assertThat(f.join().timeouts()).isEqualTo(1);
        assertThat(last()).isInstanceOf(Ping.class);
        assertThat(node.knows(silent)).as("a lookup timeout alone does not evict").isTrue();
        node.onTick(T0 + 2 * CONFIG.rpcTimeoutMillis());
        assertThat(node.knows(silent)).isFalse();
    }

    @Test
    void withdrawStopsRepublishing() {
        PeerId peer = peer(0x80, 2);
        node.addContact(DhtContact.of(peer), T0);
        Bytes32 key = Bytes32.fromHex("33".repeat(32));
        node.provide(key, ADDRESSES, T0);
        node.onMessage(peer, new Nodes(last().requestId(), List.of()), T0 + 1);
        assertThat(last()).isInstanceOf(AddProvider.class);
        assertThat(node.nextWakeupMillis()).isLessThanOrEqualTo(T0 + 1 + CONFIG.rpcTimeoutMillis());
        node.onMessage(peer, new AddProviderAck(last().requestId(), true), T0 + 2);
        long republish = node.nextWakeupMillis();
        assertThat(republish).isBetween(T0 + CONFIG.republishIntervalMillis() / 2, T0 + CONFIG.republishIntervalMillis());
        assertThat(node.withdraw(key)).isTrue();
        assertThat(node.storedProviders(key, T0 + 3)).isEmpty();
        int before = sent.size();
        node.onTick(republish);
        assertThat(sent.subList(before, sent.size())).noneMatch(m -> m instanceof FindNode f && f.target().equals(key));
    }

    private static Bytes32 key(int n) {
        byte[] b = new byte[32];
        b[0] = 0x44;
        b[30] = (byte) (n >>> 8);
        b[31] = (byte) n;
        return Bytes32.wrap(b);
    }

    /** When this node's own record for {@code key} expires: moved on by every (re)announcement. */
    private long ownExpiry(Bytes32 key, long now) {
        return node.storedProviders(key, now).stream().filter(r -> r.provider().equals(self)).findFirst().orElseThrow()
                .expiresAtMillis();
    }

    @Test
    void keysAnnouncedTogetherAreRepublishedSpreadOverTheSecondHalfOfTheInterval() {
        int keys = 200;
        long interval = CONFIG.republishIntervalMillis();
        Map<Bytes32, Long> expiry = new HashMap<>();
        for (int i = 0; i < keys; i++) {
            node.provide(key(i), ADDRESSES, T0);
            expiry.put(key(i), ownExpiry(key(i), T0));
        }
        Map<Bytes32, Integer> republished = new HashMap<>();
        java.util.Set<Long> minutes = new java.util.HashSet<>();
        for (long t = T0 + 60_000; t <= T0 + interval; t += 60_000) {
            node.onTick(t);
            for (Bytes32 k : expiry.keySet()) {
                long e = ownExpiry(k, t);
                if (e != expiry.get(k)) {
                    assertThat(t).as("not republished before half the interval").isGreaterThanOrEqualTo(T0 + interval / 2);
                    republished.merge(k, 1, Integer::sum);
                    minutes.add(t);
                    expiry.put(k, e);
                }
            }
        }
        assertThat(republished).hasSize(keys).allSatisfy((k, times) -> assertThat(times).isEqualTo(1));
        assertThat(minutes).as("spread, not all in one tick").hasSizeGreaterThan(10);
    }

    @Test
    void dueRepublishesRunAtMostALimitAtOnceAndTheRestFollow() {
        PeerId silent = peer(0x80, 2);
        node.addContact(DhtContact.of(silent), T0);
        int keys = 100;
        for (int i = 0; i < keys; i++) {
            node.provide(key(i), ADDRESSES, T0);
        }
        for (long t = T0; t <= T0 + 4 * CONFIG.rpcTimeoutMillis(); t += CONFIG.rpcTimeoutMillis()) {
            node.onTick(t);
        }
        sent.clear();
        long due = T0 + CONFIG.republishIntervalMillis();
        node.addContact(DhtContact.of(silent), due);
        node.onTick(due);
        long asked = sent.stream().filter(m -> m instanceof FindNode f && f.target().get(0) == 0x44).count();
        assertThat(asked).isEqualTo(KademliaNode.MAX_REPUBLISHING);
        assertThat(node.nextWakeupMillis()).as("the waiting republishes do not ask for a tick before a slot frees")
                .isGreaterThan(due);
        for (long t = due; t <= due + 600_000; t += 1_000) {
            node.onTick(t);
        }
        for (int i = 0; i < keys; i++) {
            assertThat(ownExpiry(key(i), due + 600_000)).as("key %d republished", i)
                    .isGreaterThanOrEqualTo(due + CONFIG.providerTtlMillis());
        }
    }

    /** When {@code provider}'s record for {@code key} held here expires; empty if there is none. */
    private java.util.OptionalLong expiryOf(PeerId provider, Bytes32 key, long now) {
        return node.storedProviders(key, now).stream().filter(r -> r.provider().equals(provider))
                .mapToLong(ProviderRecord::expiresAtMillis).findFirst();
    }

    @Test
    void aRekeyedNodeKeepsItsContactsAndAnnouncesUnderItsNewIdWithTheNewSigner() {
        PeerId a = peer(0x80, 2);
        PeerId b = peer(0x01, 3);
        node.addContact(DhtContact.of(a), T0);
        node.addContact(DhtContact.of(b), T0);
        Bytes32 key = Bytes32.fromHex("55".repeat(32));
        node.provide(key, ADDRESSES, T0);
        assertThat(expiryOf(self, key, T0)).isPresent();

        PeerId fresh = peer(0xC0, 9);
        node.rekey(fresh, bytes -> fakeSign(fresh, bytes), T0 + 10);
        assertThat(node.self()).isEqualTo(fresh);
        assertThat(node.knows(a)).isTrue();
        assertThat(node.knows(b)).isTrue();
        assertThat(node.routingTableSize()).isEqualTo(2);
        assertThat(node.bucketSize(KademliaRoutingTable.bucketIndex(fresh.value(), a.value()))).isEqualTo(1);
        assertThat(node.bucketSize(KademliaRoutingTable.bucketIndex(self.value(), b.value())))
                .as("placed by distance to the new id, not the old").isZero();
        assertThat(node.bucketSize(KademliaRoutingTable.bucketIndex(fresh.value(), b.value()))).isEqualTo(1);
        assertThat(expiryOf(self, key, T0 + 10)).as("the old id's own record is dropped").isEmpty();

        sent.clear();
        node.onTick(T0 + 10);
        List<FindNode> asked = sent.stream().filter(m -> m instanceof FindNode f && f.target().equals(key))
                .map(FindNode.class::cast).toList();
        assertThat(asked).hasSize(2);
        List<PeerId> to = List.copyOf(sentTo);
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i) instanceof FindNode f && f.target().equals(key)) {
                node.onMessage(to.get(i), new Nodes(f.requestId(), List.of()), T0 + 11);
            }
        }
        List<AddProvider> stores = sent.stream().filter(m -> m instanceof AddProvider).map(AddProvider.class::cast).toList();
        assertThat(stores).hasSize(2).allSatisfy(add -> {
            assertThat(add.record().provider()).isEqualTo(fresh);
            assertThat(FAKE_VERIFIER.verify(add.record())).as("signed with the new key").isTrue();
        });
        assertThat(expiryOf(fresh, key, T0 + 11)).isPresent();

        node.addContact(DhtContact.of(self), T0 + 12);
        assertThat(node.knows(self)).as("the former id is never taken for a contact").isFalse();
        assertThat(penalties).isEmpty();
    }

    @Test
    void afterARekeyEachKeyIsRepublishedOncePerIntervalNotAlsoOnItsOldSchedule() {
        Bytes32 key = key(1);
        node.provide(key, ADDRESSES, T0);
        PeerId fresh = peer(0xC0, 9);
        long rekeyAt = T0 + 60_000;
        node.rekey(fresh, bytes -> fakeSign(fresh, bytes), rekeyAt);
        long interval = CONFIG.republishIntervalMillis();
        List<Long> republishedAt = new ArrayList<>();
        long last = -1;
        for (long t = rekeyAt; t <= rekeyAt + 2 * interval; t += 60_000) {
            node.onTick(t);
            long e = expiryOf(fresh, key, t).orElseThrow();
            if (e != last) {
                republishedAt.add(t);
                last = e;
            }
        }
        assertThat(republishedAt).containsExactly(rekeyAt, rekeyAt + interval, rekeyAt + 2 * interval);
    }

    /** A request the transport could not send fails at once: an announcement counts it as not stored. */
    @Test
    void anUnsentStoreFailsAtOnce() {
        PeerId a = peer(0x80, 2);
        node.addContact(DhtContact.of(a), T0);
        java.util.concurrent.CompletableFuture<Integer> stored = node.provide(key(2), ADDRESSES, T0);
        node.onMessage(a, new Nodes(last().requestId(), List.of()), T0 + 1);
        AddProvider add = (AddProvider) last();
        node.unsent(a, add.requestId(), T0 + 2);
        assertThat(stored).isCompletedWithValue(0);
        assertThat(node.knows(a)).as("not evicted: only a failed ping evicts").isTrue();
    }

    @Test
    void tooManyLookupsFailAtOnce() {
        DhtConfig d = DhtConfig.defaults();
        KademliaNode small = newNode(new DhtConfig(d.k(), d.alpha(), d.replacementCacheSize(), d.rpcTimeoutMillis(),
                d.refreshIntervalMillis(), d.providerTtlMillis(), d.republishIntervalMillis(), d.maxProviderKeys(),
                d.maxProvidersPerKey(), d.inboundRequestsPerSecond(), d.inboundBurst(), 1, d.minReputation()));
        small.addContact(DhtContact.of(peer(0x80, 2)), T0);
        assertThat(small.findNode(Bytes32.ZERO, T0)).isNotDone();
        assertThat(small.findNode(Bytes32.ZERO, T0)).isCompletedExceptionally()
                .failsWithin(java.time.Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(KademliaNode.TooManyLookups.class);
    }

    @Test
    void bucketsFollowTheLengthOfTheSharedPrefix() {
        SplittableRandom random = new SplittableRandom(3);
        for (int bucket = 0; bucket < KademliaRoutingTable.BUCKETS; bucket++) {
            Bytes32 id = KademliaRoutingTable.randomIdInBucket(self.value(), bucket, random);
            assertThat(KademliaRoutingTable.bucketIndex(self.value(), id)).isEqualTo(bucket);
        }
        assertThat(KademliaRoutingTable.bucketIndex(self.value(), self.value())).isEqualTo(-1);
        assertThat(KademliaRoutingTable.bucketIndex(self.value(), peer(0x80, 1).value())).isEqualTo(255);
        assertThat(KademliaRoutingTable.bucketIndex(self.value(), peer(0x00, 0).value())).isEqualTo(0);
    }

    @Test
    void joiningLooksItselfUpThenFillsTheFarBuckets() {
        PeerId seed = peer(0x80, 2);
        CompletableFuture<Integer> joined = node.join(List.of(DhtContact.of(seed)), T0);
        FindNode self = (FindNode) last();
        assertThat(self.target()).isEqualTo(this.self.value());
        node.onMessage(seed, new Nodes(self.requestId(), List.of()), T0 + 1);
        List<FindNode> refreshes = sent.stream().skip(1).map(m -> (FindNode) m).toList();
        assertThat(refreshes).as("one lookup per bucket beyond the nearest neighbour's (255)").isEmpty();
        assertThat(joined).isCompletedWithValue(1);

        KademliaNode other = newNode(CONFIG);
        sent.clear();
        PeerId near = peer(0x00, 0x100);
        CompletableFuture<Integer> joinedNear = other.join(List.of(DhtContact.of(near)), T0);
        other.onMessage(near, new Nodes(last().requestId(), List.of()), T0 + 1);
        int nearest = KademliaRoutingTable.bucketIndex(this.self.value(), near.value());
        assertThat(sent).hasSize(1 + Math.min(CONFIG.alpha(), 1) * (KademliaRoutingTable.BUCKETS - 1 - nearest));
        assertThat(sent.stream().skip(1).map(m -> KademliaRoutingTable.bucketIndex(this.self.value(), ((FindNode) m).target())))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(nearest + 1, KademliaRoutingTable.BUCKETS).boxed().toList());
        assertThat(joinedNear).isNotDone();
    }

    @Test
    void peerDeclaredCountsAreCapped() {
        List<DhtContact> many = new ArrayList<>();
        for (int i = 0; i <= DhtMessage.MAX_CONTACTS; i++) {
            many.add(DhtContact.of(peer(0x80, i)));
        }
        assertThatThrownBy(() -> new Nodes(1, many)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Providers(1, List.of(), many)).isInstanceOf(IllegalArgumentException.class);
        List<DhtAddress> nine = java.util.Collections.nCopies(DhtContact.MAX_ADDRESSES + 1, ADDRESSES.getFirst());
        assertThatThrownBy(() -> new DhtContact(self, nine)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProviderRecord(Bytes32.ZERO, self, nine, 1, new byte[64]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProviderRecord(Bytes32.ZERO, self, List.of(), 1, new byte[ProviderRecord.MAX_SIGNATURE_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DhtAddress("a b", 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DhtAddress("h", 1, 256)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSignedBytesFollowTheDrawnLayout() {
        Bytes32 key = Bytes32.fromHex("44".repeat(32));
        ProviderRecord r = new ProviderRecord(key, self, List.of(new DhtAddress("h1", 0x1234, 7)), 0x0102030405060708L, new byte[0]);
        ByteBuffer b = ByteBuffer.wrap(r.signedBytes());
        assertThat(b.getInt()).isEqualTo(0x44485031);
        assertThat(Bytes32.read(b)).isEqualTo(key);
        assertThat(Bytes32.read(b)).isEqualTo(self.value());
        assertThat(b.getLong()).isEqualTo(0x0102030405060708L);
        assertThat(b.get()).isEqualTo((byte) 1);
        assertThat(b.get()).isEqualTo((byte) 2);
        assertThat(new byte[] {b.get(), b.get()}).isEqualTo("h1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(b.getShort()).isEqualTo((short) 0x1234);
        assertThat(b.get()).isEqualTo((byte) 7);
        assertThat(b.hasRemaining()).isFalse();
        Bytes32 store = Bytes32.fromHex("55".repeat(32));
        assertThat(ProviderRecord.storeKey(store)).isEqualTo(Sha256.hash(new byte[] {1}, store.toArray()));
        assertThat(ProviderRecord.rootKey(store, key)).isEqualTo(Sha256.hash(new byte[] {2}, store.toArray(), key.toArray()));
    }
}
