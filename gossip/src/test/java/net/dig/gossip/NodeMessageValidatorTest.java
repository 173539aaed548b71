package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.testkit.ManualClock;
import net.dig.wire.Message;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload;
import net.dig.wire.TlsBinding;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each check of NodeMessageValidator, in the order its Javadoc lists them, with the penalty each costs. */
@Timeout(30)
class NodeMessageValidatorTest {
    private static final String NET = "testnet11";
    private final ManualClock clock = new ManualClock(1_800_000_000_000L);
    private NodeMessageValidator validator;
    private Node a;

    /** A node: Ed25519 key, TLS leaf key pair, PeerId = SHA-256(SPKI), its own sequence counter. */
    static final class Node {
        final NodeIdentity key;
        final KeyPair tls;
        final PeerId peer;
        long seq = 100;

        Node() throws Exception {
            this(NodeIdentity.generate(new java.security.SecureRandom()));
        }

        /** The same node key behind a fresh TLS key pair: the node after a PeerId rotation. */
        Node(NodeIdentity key) throws Exception {
            this.key = key;
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            tls = g.generateKeyPair();
            peer = new PeerId(Sha256.hash(tls.getPublic().getEncoded()));
        }

        NodePayload.NodeAnnouncement announcement() {
            return announcementFor(peer.value(), TlsBinding.sign(tls.getPrivate(), key.publicKey()));
        }

        NodePayload.NodeAnnouncement announcementFor(Bytes32 peerId, byte[] binding) {
            return new NodePayload.NodeAnnouncement(peerId, tls.getPublic().getEncoded(), binding,
                    new NodePayload.HttpEndpoint("127.0.0.1", 8555, "http"), List.of("storage"), 100, 40, "cache");
        }

        Message signed(NodePayload p, long timestamp) {
            return NodeMessageCodec.toMessage(NodeMessageCodec.sign(p, key, timestamp, seq++, NET));
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        validator = new NodeMessageValidator(clock, NodeMessageConfig.defaults(), NET, NodeMessageLimits.DEFAULT, new NodeDirectory(8));
        a = new Node();
    }

    private long now() {
        return clock.epochSeconds();
    }

    private Verdict verdict(PeerId from, Message m) {
        return validator.validate(from, m).toCompletableFuture().join();
    }

    private static NodePayload gossip() {
        return new NodePayload.DataStoreGossip(Bytes32.ZERO, 1, Bytes32.ZERO, 1, 1, new byte[0]);
    }

    @Test
    void aBoundAnnouncementIsAcceptedAndRecorded() {
        assertThat(verdict(a.peer, a.signed(a.announcement(), now()))).isEqualTo(Verdict.ACCEPT);
        NodeDirectory.NodeInfo info = validator.directory().get(a.peer).orElseThrow();
        assertThat(info.nodeKey()).isEqualTo(Bytes32.wrap(a.key.publicKey()));
        assertThat(info.nodeId()).isEqualTo(a.key.nodeId());
        assertThat(info.announcement().http().port()).isEqualTo(8555);
        assertThat(info.announcement().mode()).isEqualTo("cache");
        assertThat(verdict(a.peer, a.signed(gossip(), now()))).as("bound sender's later message").isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void anAttestationIsAcceptedOnlyFromItsValidatorWithItsSignature() throws Exception {
        assertThat(verdict(a.peer, a.signed(a.announcement(), now()))).isEqualTo(Verdict.ACCEPT);
        NodePayload.StorageAttestation own = NodePayload.StorageAttestation.sign(a.key, Bytes32.ZERO, Bytes32.ZERO, 1,
                4096, Bytes32.ZERO, 0, 10, clock.millis());
        assertThat(verdict(a.peer, a.signed(own, now()))).isEqualTo(Verdict.ACCEPT);

        NodeIdentity someoneElse = NodeIdentity.generate(new java.security.SecureRandom());
        NodePayload.StorageAttestation relayed = NodePayload.StorageAttestation.sign(someoneElse, Bytes32.ZERO, Bytes32.ZERO, 1,
                4096, Bytes32.ZERO, 0, 10, clock.millis());
        assertThat(verdict(a.peer, a.signed(relayed, now()))).as("another validator's, relayed")
                .isEqualTo(Verdict.reject(PenaltyReason.UNBOUND_SENDER));

        NodePayload.StorageAttestation turned = new NodePayload.StorageAttestation(own.validatorKey(), own.proverKey(),
                own.datastoreId(), own.version(), own.totalSize(), own.challengeId(), 7, own.elapsedNanos(), own.atMillis(), own.signature());
        assertThat(verdict(a.peer, a.signed(turned, now()))).as("a pass turned into a failure")
                .isEqualTo(Verdict.reject(PenaltyReason.INVALID_SIGNATURE));
    }

    @Test
    void malformedIsRejected() {
        Message garbage = Message.of(NodeMessage.OPCODE, new byte[] {0x0a, 0x7f, 0x01});
        assertThat(verdict(a.peer, garbage)).isEqualTo(Verdict.reject(PenaltyReason.MALFORMED_MESSAGE));
        assertThat(validator.check(a.peer, garbage).message()).isNull();
    }

    @Test
    void anotherNetworkIsRejected() {
        Message m = NodeMessageCodec.toMessage(NodeMessageCodec.sign(a.announcement(), a.key, now(), 1, "mainnet"));
        assertThat(verdict(a.peer, m)).isEqualTo(Verdict.reject(PenaltyReason.PROTOCOL_VIOLATION));
    }

    @Test
    void aBadSignatureIsRejected() throws Exception {
        NodeMessage good = NodeMessageCodec.sign(a.announcement(), a.key, now(), 1, NET);
        byte[] sig = good.signature();
        sig[0] ^= 1;
        NodeMessage forged = new NodeMessage(good.payload(), good.timestamp(), good.senderKey(), good.sequence(), NET, sig,
                good.signedBytes());
        assertThat(verdict(a.peer, NodeMessageCodec.toMessage(forged))).isEqualTo(Verdict.reject(PenaltyReason.INVALID_SIGNATURE));
        // signed by another node key while claiming A's: the same
        Node b = new Node();
        NodeMessage byB = NodeMessageCodec.sign(a.announcement(), b.key, now(), 1, NET);
        NodeMessage claimed = new NodeMessage(byB.payload(), byB.timestamp(), good.senderKey(), 1, NET, byB.signature(), good.signedBytes());
        assertThat(verdict(a.peer, NodeMessageCodec.toMessage(claimed))).isEqualTo(Verdict.reject(PenaltyReason.INVALID_SIGNATURE));
        assertThat(validator.directory().size()).isZero();
    }

    @Test
    void timestampsOutsideTheFreshnessWindowAreRejected() {
        assertThat(verdict(a.peer, a.signed(a.announcement(), now() - 301))).isEqualTo(Verdict.reject(PenaltyReason.STALE_MESSAGE));
        assertThat(verdict(a.peer, a.signed(a.announcement(), now() + 301))).isEqualTo(Verdict.reject(PenaltyReason.STALE_MESSAGE));
        assertThat(verdict(a.peer, a.signed(a.announcement(), now() - 300))).isEqualTo(Verdict.ACCEPT);
        Message fresh = a.signed(gossip(), now());
        clock.advance(Duration.ofSeconds(301));
        assertThat(verdict(a.peer, fresh)).as("held back past the window").isEqualTo(Verdict.reject(PenaltyReason.STALE_MESSAGE));
    }

    @Test
    void anAnnouncementForAnotherPeerIdIsUnbound() throws Exception {
        Node b = new Node();
        // A's genuine announcement relayed by B: B's connection is not A's PeerId
        assertThat(verdict(b.peer, a.signed(a.announcement(), now()))).isEqualTo(Verdict.reject(PenaltyReason.UNBOUND_SENDER));
        // A claims B's PeerId with its own TLS key
        Message claim = a.signed(a.announcementFor(b.peer.value(), TlsBinding.sign(a.tls.getPrivate(), a.key.publicKey())), now());
        assertThat(verdict(b.peer, claim)).isEqualTo(Verdict.reject(PenaltyReason.UNBOUND_SENDER));
        assertThat(validator.directory().size()).isZero();
    }

    @Test
    void aTlsBindingOverAnotherNodeKeyIsRejected() throws Exception {
        Node b = new Node();
        Message m = a.signed(a.announcementFor(a.peer.value(), TlsBinding.sign(a.tls.getPrivate(), b.key.publicKey())), now());
        assertThat(verdict(a.peer, m)).isEqualTo(Verdict.reject(PenaltyReason.INVALID_SIGNATURE));
        Message bySomeoneElsesTls = a.signed(a.announcementFor(a.peer.value(), TlsBinding.sign(b.tls.getPrivate(), a.key.publicKey())), now());
        assertThat(verdict(a.peer, bySomeoneElsesTls)).isEqualTo(Verdict.reject(PenaltyReason.INVALID_SIGNATURE));
    }

    @Test
    void messagesOfASenderItsPeerNeverAnnouncedAreUnbound() throws Exception {
        assertThat(verdict(a.peer, a.signed(gossip(), now()))).as("before any announcement").isEqualTo(Verdict.reject(PenaltyReason.UNBOUND_SENDER));
        assertThat(verdict(a.peer, a.signed(a.announcement(), now()))).isEqualTo(Verdict.ACCEPT);
        Node b = new Node();
        assertThat(verdict(a.peer, b.signed(gossip(), now()))).as("another key over A's connection").isEqualTo(Verdict.reject(PenaltyReason.UNBOUND_SENDER));
    }

    @Test
    void aReplayIsRejectedAndOnlyAfterTheOtherChecks() {
        Message first = a.signed(a.announcement(), now());
        assertThat(verdict(a.peer, first)).isEqualTo(Verdict.ACCEPT);
        assertThat(verdict(a.peer, first)).isEqualTo(Verdict.reject(PenaltyReason.REPLAYED_MESSAGE));
        // out of order inside the window is fine, once
        Message m5 = signedAt(a, 205);
        Message m3 = signedAt(a, 203);
        assertThat(verdict(a.peer, m5)).isEqualTo(Verdict.ACCEPT);
        assertThat(verdict(a.peer, m3)).isEqualTo(Verdict.ACCEPT);
        assertThat(verdict(a.peer, m3)).isEqualTo(Verdict.reject(PenaltyReason.REPLAYED_MESSAGE));
        assertThat(verdict(a.peer, signedAt(a, 3_000_000))).as("a thousand sequences ahead").isEqualTo(Verdict.ACCEPT);
        assertThat(verdict(a.peer, signedAt(a, 204))).as("late by a message, not by 64").isEqualTo(Verdict.ACCEPT);
        for (int i = 1; i <= 64; i++) {
            assertThat(verdict(a.peer, signedAt(a, 3_000_000 + i * 1000L))).isEqualTo(Verdict.ACCEPT);
        }
        assertThat(verdict(a.peer, signedAt(a, 206))).as("more than 64 messages behind").isEqualTo(Verdict.reject(PenaltyReason.REPLAYED_MESSAGE));
    }

    @Test
    void aForgedCopyDoesNotBurnTheSequenceOfTheRealOne() throws Exception {
        assertThat(verdict(a.peer, a.signed(a.announcement(), now()))).isEqualTo(Verdict.ACCEPT);
        Node mallory = new Node();
        Message real = signedAt(a, 500);
        assertThat(verdict(mallory.peer, real)).as("relayed by an unbound peer").isEqualTo(Verdict.reject(PenaltyReason.UNBOUND_SENDER));
        assertThat(verdict(a.peer, real)).isEqualTo(Verdict.ACCEPT);
    }

    private static NodePayload.HandleRegistration handle(String label, long at, NodeIdentity owner) {
        return NodePayload.HandleRegistration.signed(label, new byte[32], java.util.Optional.empty(), 4, at, at + 3600, false,
                new java.util.TreeMap<>(), owner);
    }

    @Test
    void handleRecordsAreCheckedBeforeDelivery() {
        assertThat(verdict(a.peer, a.signed(a.announcement(), now()))).isEqualTo(Verdict.ACCEPT);
        NodeIdentity owner = NodeIdentity.fromSeed(new byte[32]);
        NodePayload.HandleRegistration good = handle("site", now(), owner);
        assertThat(verdict(a.peer, a.signed(good, now()))).isEqualTo(Verdict.ACCEPT);
        NodePayload.HandleRegistration forged = new NodePayload.HandleRegistration("site", good.datastoreId(), good.ownerPublicKey(),
                good.nonce(), good.pinnedRoot(), 5, good.registeredAt(), good.expiresAt(), false, good.metadata(), good.ownerSignature());
        assertThat(verdict(a.peer, a.signed(forged, now()))).isEqualTo(Verdict.reject(PenaltyReason.INVALID_SIGNATURE));
        assertThat(verdict(a.peer, a.signed(handle("www", now(), owner), now()))).isEqualTo(Verdict.reject(PenaltyReason.MALFORMED_MESSAGE));
        long skew = NodePayload.HandleRegistration.MAX_SKEW_SECONDS;
        assertThat(verdict(a.peer, a.signed(handle("old", now() - skew - 1, owner), now()))).isEqualTo(Verdict.IGNORE);
        assertThat(verdict(a.peer, a.signed(handle("soon", now() + skew + 1, owner), now()))).isEqualTo(Verdict.IGNORE);
        NodePayload.HandleBatch synced = new NodePayload.HandleBatch(List.of(good, handle("old", now() - 86_400, owner)));
        assertThat(verdict(a.peer, a.signed(synced, now()))).as("old records come by anti-entropy").isEqualTo(Verdict.ACCEPT);
        NodePayload.HandleBatch bad = new NodePayload.HandleBatch(List.of(good, forged));
        assertThat(verdict(a.peer, a.signed(bad, now()))).isEqualTo(Verdict.reject(PenaltyReason.INVALID_SIGNATURE));
    }

    private Message signedAt(Node n, long sequence) {
        return NodeMessageCodec.toMessage(NodeMessageCodec.sign(gossip(), n.key, now(), sequence, NET));
    }

    @Test
    void theConfigIsValidated() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NodeMessageConfig(Duration.ZERO, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("freshness_window");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NodeMessageConfig(Duration.ofHours(2), 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NodeMessageConfig(Duration.ofSeconds(300), 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(NodeMessageConfig.defaults().freshness()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void theDirectoryIsBounded() throws Exception {
        NodeDirectory d = new NodeDirectory(2);
        Node b = new Node();
        Node c = new Node();
        for (Node n : List.of(a, b, c)) {
            d.record(new NodeDirectory.NodeInfo(n.peer, Bytes32.wrap(n.key.publicKey()), n.key.nodeId(), n.announcement(), 1));
        }
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.get(a.peer)).isEmpty();
        assertThat(d.get(c.peer)).isPresent();
    }
}
