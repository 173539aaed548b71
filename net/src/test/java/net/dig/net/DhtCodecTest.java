package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.gossip.DhtAddress;
import net.dig.gossip.DhtContact;
import net.dig.gossip.DhtMessage;
import net.dig.gossip.PeerId;
import net.dig.gossip.ProviderRecord;
import net.dig.wire.Message;
import net.dig.wire.WireException;
import net.dig.wire.pb.DhtProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The opcode-241 codec against golden vectors ({@code vectors/dht.txt}), against the schema's generated classes
 * (an independent encoder and parser), in seeded round trips, and under every cap an attacker could overrun.
 */
@Timeout(30)
class DhtCodecTest {
    private static final Map<String, byte[]> VECTORS = load();

    private static Bytes32 filled(int b) {
        byte[] v = new byte[32];
        java.util.Arrays.fill(v, (byte) b);
        return Bytes32.wrap(v);
    }

    private static Bytes32 counting() {
        byte[] v = new byte[32];
        for (int i = 0; i < 32; i++) {
            v[i] = (byte) i;
        }
        return Bytes32.wrap(v);
    }

    private static final DhtAddress LOOPBACK = new DhtAddress("127.0.0.1", 8444, DhtAddress.KIND_DIRECT);
    private static final DhtAddress NAMED = new DhtAddress("node.example.org", 443, 2);
    private static final ProviderRecord RECORD = new ProviderRecord(filled(0x11), new PeerId(filled(0x22)),
            List.of(NAMED), 1_764_633_600_000L, new byte[] {1, 2, 3});
    private static final DhtContact CONTACT = new DhtContact(new PeerId(filled(0xaa)), List.of(LOOPBACK));

    /** The golden messages, by vector name. */
    private static Map<String, DhtMessage> golden() {
        Map<String, DhtMessage> m = new LinkedHashMap<>();
        m.put("ping", new DhtMessage.Ping(1));
        m.put("pong", new DhtMessage.Pong(1));
        m.put("find_node", new DhtMessage.FindNode(0x0102030405060708L, counting()));
        m.put("nodes", new DhtMessage.Nodes(0x0102030405060708L, List.of(CONTACT)));
        m.put("nodes_empty", new DhtMessage.Nodes(-1, List.of()));
        m.put("find_providers", new DhtMessage.FindProviders(2, filled(0x11)));
        m.put("providers", new DhtMessage.Providers(2, List.of(RECORD), List.of(CONTACT)));
        m.put("add_provider", new DhtMessage.AddProvider(3, RECORD));
        m.put("add_provider_ack_stored", new DhtMessage.AddProviderAck(3, true));
        m.put("add_provider_ack_refused", new DhtMessage.AddProviderAck(3, false));
        return m;
    }

    @Test
    void goldenVectorsEncodeAndDecodeBothWays() {
        Map<String, DhtMessage> golden = golden();
        assertThat(VECTORS.keySet()).containsAll(golden.keySet());
        golden.forEach((name, message) -> {
            assertThat(HexFormat.of().formatHex(DhtCodec.encode(message))).as(name).isEqualTo(HexFormat.of().formatHex(VECTORS.get(name)));
            assertThat(DhtCodec.decode(VECTORS.get(name))).as(name).isEqualTo(message);
        });
    }

    @Test
    void aWholeFrameIsOpcode241WithoutAChiaRequestId() {
        Message frame = DhtCodec.toMessage(new DhtMessage.Ping(1));
        assertThat(frame.type()).isEqualTo(241);
        assertThat(frame.id()).isEmpty();
        assertThat(frame.encode()).isEqualTo(VECTORS.get("frame_ping"));
    }

    @Test
    void theGeneratedClassesOfTheSchemaAgreeWithTheCodec() throws Exception {
        for (Map.Entry<String, DhtMessage> e : golden().entrySet()) {
            byte[] ours = DhtCodec.encode(e.getValue());
            DhtProto.DhtEnvelope parsed = DhtProto.DhtEnvelope.parseFrom(ours);
            assertThat(parsed.toByteArray()).as(e.getKey()).isEqualTo(ours);
            assertThat(parsed.getRequestId()).isEqualTo(e.getValue().requestId());
        }
        DhtProto.DhtEnvelope theirs = DhtProto.DhtEnvelope.newBuilder().setRequestId(2)
                .setProviders(DhtProto.Providers.newBuilder()
                        .addProviders(DhtProto.ProviderRecord.newBuilder().setContentKey(ByteString.copyFrom(filled(0x11).toArray()))
                                .setProvider(ByteString.copyFrom(filled(0x22).toArray()))
                                .addAddresses(DhtProto.Address.newBuilder().setHost("node.example.org").setPort(443).setKind(2))
                                .setExpiresAt(1_764_633_600_000L).setSignature(ByteString.copyFrom(new byte[] {1, 2, 3})))
                        .addCloser(DhtProto.Contact.newBuilder().setPeerId(ByteString.copyFrom(filled(0xaa).toArray()))
                                .addAddresses(DhtProto.Address.newBuilder().setHost("127.0.0.1").setPort(8444))))
                .build();
        assertThat(DhtCodec.decode(theirs.toByteArray())).isEqualTo(golden().get("providers"));
    }

    @Test
    void seededRoundTrips() {
        SplittableRandom random = new SplittableRandom(41);
        for (int i = 0; i < 300; i++) {
            DhtMessage m = randomMessage(random);
            assertThat(DhtCodec.decode(DhtCodec.encode(m))).isEqualTo(m);
        }
    }

    @Test
    void unknownFieldsAreSkippedAndTheIdMayFollowTheBody() {
        byte[] ping = VECTORS.get("ping");
        byte[] reordered = HexFormat.of().parseHex("1200" + "090100000000000000" + "f8060a");
        assertThat(DhtCodec.decode(reordered)).isEqualTo(DhtCodec.decode(ping));
    }

    @Test
    void everyCapHoldsWhileDecoding() {
        assertThatThrownBy(() -> DhtCodec.decode(new byte[DhtCodec.MAX_BODY_BYTES + 1])).isInstanceOf(WireException.class)
                .hasMessageContaining("at most");
        List<DhtContact> many = new ArrayList<>();
        for (int i = 0; i <= DhtMessage.MAX_CONTACTS; i++) {
            many.add(CONTACT);
        }
        DhtProto.Nodes.Builder nodes = DhtProto.Nodes.newBuilder();
        for (DhtContact c : many) {
            nodes.addCloser(DhtProto.Contact.newBuilder().setPeerId(ByteString.copyFrom(c.id().value().toArray())));
        }
        byte[] tooManyContacts = DhtProto.DhtEnvelope.newBuilder().setNodes(nodes).build().toByteArray();
        assertThatThrownBy(() -> DhtCodec.decode(tooManyContacts)).isInstanceOf(WireException.class).hasMessageContaining("at most 20 contacts");

        DhtProto.Providers.Builder providers = DhtProto.Providers.newBuilder();
        for (int i = 0; i <= DhtMessage.MAX_PROVIDERS; i++) {
            providers.addProviders(proto(RECORD));
        }
        byte[] tooManyRecords = DhtProto.DhtEnvelope.newBuilder().setProviders(providers).build().toByteArray();
        assertThatThrownBy(() -> DhtCodec.decode(tooManyRecords)).isInstanceOf(WireException.class).hasMessageContaining("provider records");

        DhtProto.Contact.Builder contact = DhtProto.Contact.newBuilder().setPeerId(ByteString.copyFrom(filled(1).toArray()));
        for (int i = 0; i <= DhtContact.MAX_ADDRESSES; i++) {
            contact.addAddresses(DhtProto.Address.newBuilder().setHost("h").setPort(1));
        }
        byte[] tooManyAddresses = DhtProto.DhtEnvelope.newBuilder().setNodes(DhtProto.Nodes.newBuilder().addCloser(contact)).build().toByteArray();
        assertThatThrownBy(() -> DhtCodec.decode(tooManyAddresses)).isInstanceOf(WireException.class).hasMessageContaining("addresses");

        byte[] longHost = envelopeWithAddress(DhtProto.Address.newBuilder().setHost("h".repeat(254)).setPort(1));
        assertThatThrownBy(() -> DhtCodec.decode(longHost)).isInstanceOf(WireException.class).hasMessageContaining("host");
        byte[] bigPort = envelopeWithAddress(DhtProto.Address.newBuilder().setHost("h").setPort(65_536));
        assertThatThrownBy(() -> DhtCodec.decode(bigPort)).isInstanceOf(WireException.class).hasMessageContaining("port");
        byte[] badHost = envelopeWithAddress(DhtProto.Address.newBuilder().setHost("a b").setPort(1));
        assertThatThrownBy(() -> DhtCodec.decode(badHost)).isInstanceOf(WireException.class);

        byte[] longSignature = DhtProto.DhtEnvelope.newBuilder().setAddProvider(DhtProto.AddProvider.newBuilder()
                .setRecord(proto(RECORD).setSignature(ByteString.copyFrom(new byte[ProviderRecord.MAX_SIGNATURE_BYTES + 1])))).build().toByteArray();
        assertThatThrownBy(() -> DhtCodec.decode(longSignature)).isInstanceOf(WireException.class).hasMessageContaining("signature");
    }

    @Test
    void malformedBodiesAreRefused() {
        for (String hex : List.of(
                "",                                  // no body
                "090100000000000000",                // an id and no body
                "12001a00",                          // two bodies
                "2200",                              // find_node without its target
                "2203" + "0a0101",                   // a 1-byte target
                "2205" + "0a",                       // a length beyond the bytes present
                "0801" + "1200",                     // request_id with the wrong wire type
                "4200",                              // add_provider without its record
                "4a02" + "0a00",                     // ack's stored with the wrong wire type
                "2a02" + "0a00")) {                  // a contact without its peer id
            assertThatThrownBy(() -> DhtCodec.decode(HexFormat.of().parseHex(hex))).as(hex).isInstanceOf(WireException.class);
        }
    }

    private static byte[] envelopeWithAddress(DhtProto.Address.Builder address) {
        return DhtProto.DhtEnvelope.newBuilder().setNodes(DhtProto.Nodes.newBuilder().addCloser(DhtProto.Contact.newBuilder()
                .setPeerId(ByteString.copyFrom(filled(1).toArray())).addAddresses(address))).build().toByteArray();
    }

    private static DhtProto.ProviderRecord.Builder proto(ProviderRecord r) {
        DhtProto.ProviderRecord.Builder b = DhtProto.ProviderRecord.newBuilder()
                .setContentKey(ByteString.copyFrom(r.contentKey().toArray()))
                .setProvider(ByteString.copyFrom(r.provider().value().toArray()))
                .setExpiresAt(r.expiresAtMillis()).setSignature(ByteString.copyFrom(r.signature()));
        for (DhtAddress a : r.addresses()) {
            b.addAddresses(DhtProto.Address.newBuilder().setHost(a.host()).setPort(a.port()).setKind(a.kind()));
        }
        return b;
    }

    private static DhtMessage randomMessage(SplittableRandom r) {
        long id = r.nextLong();
        return switch (r.nextInt(8)) {
            case 0 -> new DhtMessage.Ping(id);
            case 1 -> new DhtMessage.Pong(id);
            case 2 -> new DhtMessage.FindNode(id, randomId(r));
            case 3 -> new DhtMessage.Nodes(id, contacts(r));
            case 4 -> new DhtMessage.FindProviders(id, randomId(r));
            case 5 -> {
                List<ProviderRecord> records = new ArrayList<>();
                for (int i = r.nextInt(DhtMessage.MAX_PROVIDERS + 1); i > 0; i--) {
                    records.add(randomRecord(r));
                }
                yield new DhtMessage.Providers(id, records, contacts(r));
            }
            case 6 -> new DhtMessage.AddProvider(id, randomRecord(r));
            default -> new DhtMessage.AddProviderAck(id, r.nextBoolean());
        };
    }

    private static List<DhtContact> contacts(SplittableRandom r) {
        List<DhtContact> out = new ArrayList<>();
        for (int i = r.nextInt(DhtMessage.MAX_CONTACTS + 1); i > 0; i--) {
            out.add(new DhtContact(new PeerId(randomId(r)), addresses(r)));
        }
        return out;
    }

    private static List<DhtAddress> addresses(SplittableRandom r) {
        List<DhtAddress> out = new ArrayList<>();
        for (int i = r.nextInt(DhtContact.MAX_ADDRESSES + 1); i > 0; i--) {
            StringBuilder host = new StringBuilder();
            for (int j = 1 + r.nextInt(40); j > 0; j--) {
                host.append((char) ('!' + r.nextInt(94)));
            }
            out.add(new DhtAddress(host.toString(), r.nextInt(65_536), r.nextInt(256)));
        }
        return out;
    }

    private static ProviderRecord randomRecord(SplittableRandom r) {
        byte[] signature = new byte[r.nextInt(ProviderRecord.MAX_SIGNATURE_BYTES + 1)];
        r.nextBytes(signature);
        return new ProviderRecord(randomId(r), new PeerId(randomId(r)), addresses(r), r.nextLong(Long.MAX_VALUE), signature);
    }

    private static Bytes32 randomId(SplittableRandom r) {
        byte[] v = new byte[32];
        r.nextBytes(v);
        return Bytes32.wrap(v);
    }

    private static Map<String, byte[]> load() {
        try (InputStream in = DhtCodecTest.class.getResourceAsStream("/vectors/dht.txt")) {
            Map<String, byte[]> out = new LinkedHashMap<>();
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    int eq = t.indexOf('=');
                    out.put(t.substring(0, eq).strip(), HexFormat.of().parseHex(t.substring(eq + 1).strip()));
                }
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
