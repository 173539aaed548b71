package net.dig.net;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.gossip.DhtAddress;
import net.dig.gossip.DhtContact;
import net.dig.gossip.DhtMessage;
import net.dig.gossip.PeerId;
import net.dig.gossip.ProviderRecord;
import net.dig.wire.DigMessageType;
import net.dig.wire.Message;
import net.dig.wire.WireException;

/**
 * Maps {@link DhtMessage} to the body of an opcode-241 {@code DIG_DHT} frame and back (docs/formats/wire.md
 * "DHT messages"; schema {@code wire/src/main/protobuf/dig_dht.proto}). The body is one protobuf
 * {@code DhtEnvelope}:
 * <pre>
 *   DhtEnvelope     1 request_id fixed64   oneof 2 ping {}  3 pong {}  4 find_node  5 nodes
 *                                                6 find_providers  7 providers  8 add_provider  9 add_provider_ack
 *   FindNode        1 target bytes(32)           FindProviders   1 key bytes(32)
 *   Nodes           1 closer Contact*  (<= 20)   Providers       1 providers ProviderRecord* (<= 20), 2 closer Contact* (<= 20)
 *   AddProvider     1 record ProviderRecord      AddProviderAck  1 stored bool
 *   Contact         1 peer_id bytes(32), 2 addresses Address* (<= 8)
 *   Address         1 host string (1..253 printable ASCII), 2 port uint32 (<= 65535), 3 kind uint32 (<= 255)
 *   ProviderRecord  1 content_key bytes(32), 2 provider bytes(32), 3 addresses Address* (<= 8),
 *                   4 expires_at uint64 (Unix ms), 5 signature bytes (<= 128)
 * </pre>
 * The encoder writes fields in number order and omits proto3 defaults (zero, false, empty), so one message
 * has one encoding (the golden vectors rely on it). The decoder is written by hand rather than generated so
 * that every cap holds while reading: the body is at most {@link #MAX_BODY_BYTES}, a repeated field is
 * refused at its first element over the cap and a length over what remains before anything is allocated.
 * Unknown fields are skipped; a known field of the wrong wire type, a second body in the oneof, no body, an
 * id of the wrong length or any value outside its range is malformed ({@link WireException}).
 *
 * <p>No Ed25519 envelope (D40a): the sender is the connection's mutually authenticated PeerId; only the
 * provider records are signed, by their provider, and checked by {@link DhtRecordKeys}. Stateless and
 * thread-safe.
 */
public final class DhtCodec {
    public static final int OPCODE = DigMessageType.DIG_DHT.code();
    /** The largest body: a full Providers answer with the longest hosts stays below it. */
    public static final int MAX_BODY_BYTES = 128 * 1024;

    private DhtCodec() {}

    public static Message toMessage(DhtMessage m) {
        return Message.of(OPCODE, encode(m));
    }

    public static byte[] encode(DhtMessage m) {
        Out out = new Out();
        if (m.requestId() != 0) {
            out.fixed64(1, m.requestId());
        }
        switch (m) {
            case DhtMessage.Ping p -> out.bytes(2, new byte[0]);
            case DhtMessage.Pong p -> out.bytes(3, new byte[0]);
            case DhtMessage.FindNode f -> out.bytes(4, new Out().bytes(1, f.target().toArray()).done());
            case DhtMessage.Nodes n -> out.bytes(5, contacts(new Out(), 1, n.closer()).done());
            case DhtMessage.FindProviders f -> out.bytes(6, new Out().bytes(1, f.key().toArray()).done());
            case DhtMessage.Providers p -> {
                Out body = new Out();
                for (ProviderRecord r : p.providers()) {
                    body.bytes(1, record(r));
                }
                out.bytes(7, contacts(body, 2, p.closer()).done());
            }
            case DhtMessage.AddProvider a -> out.bytes(8, new Out().bytes(1, record(a.record())).done());
            case DhtMessage.AddProviderAck a -> out.bytes(9, a.stored() ? new Out().varint(1, 1).done() : new byte[0]);
        }
        return out.done();
    }

    /** Decodes the body of an opcode-241 frame. */
    public static DhtMessage decode(byte[] body) {
        if (body.length > MAX_BODY_BYTES) {
            throw new WireException("a DHT body is at most " + MAX_BODY_BYTES + " bytes, got " + body.length);
        }
        try {
            return envelope(CodedInputStream.newInstance(body));
        } catch (IOException e) {
            throw new WireException("malformed DHT message: " + e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new WireException("invalid DHT message: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- encoding

    private static Out contacts(Out out, int field, List<DhtContact> contacts) {
        for (DhtContact c : contacts) {
            Out contact = new Out().bytes(1, c.id().value().toArray());
            addresses(contact, 2, c.addresses());
            out.bytes(field, contact.done());
        }
        return out;
    }

    private static void addresses(Out out, int field, List<DhtAddress> addresses) {
        for (DhtAddress a : addresses) {
            Out address = new Out().bytes(1, a.host().getBytes(StandardCharsets.US_ASCII));
            if (a.port() != 0) {
                address.varint(2, a.port());
            }
            if (a.kind() != 0) {
                address.varint(3, a.kind());
            }
            out.bytes(field, address.done());
        }
    }

    private static byte[] record(ProviderRecord r) {
        Out out = new Out().bytes(1, r.contentKey().toArray()).bytes(2, r.provider().value().toArray());
        addresses(out, 3, r.addresses());
        if (r.expiresAtMillis() != 0) {
            out.varint(4, r.expiresAtMillis());
        }
        byte[] signature = r.signature();
        if (signature.length > 0) {
            out.bytes(5, signature);
        }
        return out.done();
    }

    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Out fixed64(int field, long value) {
            return write(() -> out.writeFixed64(field, value));
        }

        Out varint(int field, long value) {
            return write(() -> out.writeUInt64(field, value));
        }

        Out bytes(int field, byte[] value) {
            return write(() -> out.writeByteArray(field, value));
        }

        byte[] done() {
            write(out::flush);
            return bytes.toByteArray();
        }

        private Out write(IoStep step) {
            try {
                step.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    @FunctionalInterface
    private interface IoStep {
        void run() throws IOException;
    }

    // ---------------------------------------------------------------- decoding

    private static DhtMessage envelope(CodedInputStream in) throws IOException {
        long requestId = 0;
        DhtMessage message = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1) {
                expect(tag, WireFormat.WIRETYPE_FIXED64);
                requestId = in.readFixed64();
                continue;
            }
            if (field < 2 || field > 9) {
                in.skipField(tag);
                continue;
            }
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            if (message != null) {
                throw new WireException("a DHT message carries one body, found a second (field " + field + ")");
            }
            int limit = nested(in);
            message = body(field, in, requestId);
            in.popLimit(limit);
        }
        if (message == null) {
            throw new WireException("a DHT message carries a body");
        }
        return requestId == message.requestId() ? message : withId(message, requestId);
    }

    private static DhtMessage body(int field, CodedInputStream in, long id) throws IOException {
        return switch (field) {
            case 2 -> { skipAll(in); yield new DhtMessage.Ping(id); }
            case 3 -> { skipAll(in); yield new DhtMessage.Pong(id); }
            case 4 -> new DhtMessage.FindNode(id, singleId(in, "target"));
            case 5 -> new DhtMessage.Nodes(id, contactList(in, 1));
            case 6 -> new DhtMessage.FindProviders(id, singleId(in, "key"));
            case 7 -> providers(in, id);
            case 8 -> addProvider(in, id);
            default -> ack(in, id);
        };
    }

    /** The request id may follow the body on the wire; records are immutable, so the body is rebuilt with it. */
    private static DhtMessage withId(DhtMessage m, long id) {
        return switch (m) {
            case DhtMessage.Ping p -> new DhtMessage.Ping(id);
            case DhtMessage.Pong p -> new DhtMessage.Pong(id);
            case DhtMessage.FindNode f -> new DhtMessage.FindNode(id, f.target());
            case DhtMessage.Nodes n -> new DhtMessage.Nodes(id, n.closer());
            case DhtMessage.FindProviders f -> new DhtMessage.FindProviders(id, f.key());
            case DhtMessage.Providers p -> new DhtMessage.Providers(id, p.providers(), p.closer());
            case DhtMessage.AddProvider a -> new DhtMessage.AddProvider(id, a.record());
            case DhtMessage.AddProviderAck a -> new DhtMessage.AddProviderAck(id, a.stored());
        };
    }

    private static Bytes32 singleId(CodedInputStream in, String what) throws IOException {
        Bytes32 value = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                value = id(in, tag, what);
            } else {
                in.skipField(tag);
            }
        }
        if (value == null) {
            throw new WireException("a DHT lookup carries its " + what);
        }
        return value;
    }

    private static DhtMessage providers(CodedInputStream in, long id) throws IOException {
        List<ProviderRecord> records = new ArrayList<>();
        List<DhtContact> closer = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    cap(records.size(), DhtMessage.MAX_PROVIDERS, "provider records");
                    records.add(nestedRecord(in, tag));
                }
                case 2 -> {
                    cap(closer.size(), DhtMessage.MAX_CONTACTS, "contacts");
                    closer.add(nestedContact(in, tag));
                }
                default -> in.skipField(tag);
            }
        }
        return new DhtMessage.Providers(id, records, closer);
    }

    private static DhtMessage addProvider(CodedInputStream in, long id) throws IOException {
        ProviderRecord record = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                if (record != null) {
                    throw new WireException("an ADD_PROVIDER carries one record");
                }
                record = nestedRecord(in, tag);
            } else {
                in.skipField(tag);
            }
        }
        if (record == null) {
            throw new WireException("an ADD_PROVIDER carries a record");
        }
        return new DhtMessage.AddProvider(id, record);
    }

    private static DhtMessage ack(CodedInputStream in, long id) throws IOException {
        boolean stored = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                expect(tag, WireFormat.WIRETYPE_VARINT);
                stored = in.readBool();
            } else {
                in.skipField(tag);
            }
        }
        return new DhtMessage.AddProviderAck(id, stored);
    }

    private static List<DhtContact> contactList(CodedInputStream in, int field) throws IOException {
        List<DhtContact> out = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == field) {
                cap(out.size(), DhtMessage.MAX_CONTACTS, "contacts");
                out.add(nestedContact(in, tag));
            } else {
                in.skipField(tag);
            }
        }
        return out;
    }

    private static DhtContact nestedContact(CodedInputStream in, int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        int limit = nested(in);
        Bytes32 id = null;
        List<DhtAddress> addresses = new ArrayList<>();
        int t;
        while ((t = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> id = id(in, t, "peer id");
                case 2 -> {
                    cap(addresses.size(), DhtContact.MAX_ADDRESSES, "addresses");
                    addresses.add(address(in, t));
                }
                default -> in.skipField(t);
            }
        }
        in.popLimit(limit);
        if (id == null) {
            throw new WireException("a DHT contact carries its peer id");
        }
        return new DhtContact(new PeerId(id), addresses);
    }

    private static ProviderRecord nestedRecord(CodedInputStream in, int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        int limit = nested(in);
        Bytes32 key = null;
        Bytes32 provider = null;
        List<DhtAddress> addresses = new ArrayList<>();
        long expires = 0;
        byte[] signature = new byte[0];
        int t;
        while ((t = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> key = id(in, t, "content key");
                case 2 -> provider = id(in, t, "provider");
                case 3 -> {
                    cap(addresses.size(), DhtContact.MAX_ADDRESSES, "addresses");
                    addresses.add(address(in, t));
                }
                case 4 -> {
                    expect(t, WireFormat.WIRETYPE_VARINT);
                    expires = in.readUInt64();
                }
                case 5 -> signature = bounded(in, t, ProviderRecord.MAX_SIGNATURE_BYTES, "signature");
                default -> in.skipField(t);
            }
        }
        in.popLimit(limit);
        if (key == null || provider == null) {
            throw new WireException("a provider record carries its content key and provider");
        }
        return new ProviderRecord(key, new PeerId(provider), addresses, expires, signature);
    }

    private static DhtAddress address(CodedInputStream in, int tag) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        int limit = nested(in);
        String host = null;
        long port = 0;
        long kind = 0;
        int t;
        while ((t = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> host = new String(bounded(in, t, DhtAddress.MAX_HOST_BYTES, "host"), StandardCharsets.US_ASCII);
                case 2 -> {
                    expect(t, WireFormat.WIRETYPE_VARINT);
                    port = in.readUInt64();
                }
                case 3 -> {
                    expect(t, WireFormat.WIRETYPE_VARINT);
                    kind = in.readUInt64();
                }
                default -> in.skipField(t);
            }
        }
        in.popLimit(limit);
        if (port > 0xFFFF || kind > 0xFF || port < 0 || kind < 0) {
            throw new WireException("an address port is 0..65535 and its kind 0..255");
        }
        return new DhtAddress(host, (int) port, (int) kind);
    }

    private static Bytes32 id(CodedInputStream in, int tag, String what) throws IOException {
        byte[] raw = bounded(in, tag, 32, what);
        if (raw.length != 32) {
            throw new WireException("a DHT " + what + " is 32 bytes, got " + raw.length);
        }
        return Bytes32.wrap(raw);
    }

    private static byte[] bounded(CodedInputStream in, int tag, int max, String what) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        int length = in.readRawVarint32();
        if (length < 0 || length > max) {
            throw new WireException("a DHT " + what + " is at most " + max + " bytes, got " + length);
        }
        return in.readRawBytes(length);
    }

    private static int nested(CodedInputStream in) throws IOException {
        int length = in.readRawVarint32();
        if (length < 0 || length > in.getBytesUntilLimit() && in.getBytesUntilLimit() >= 0) {
            throw new WireException("a DHT field declares " + length + " bytes, more than remain");
        }
        return in.pushLimit(length);
    }

    private static void skipAll(CodedInputStream in) throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            in.skipField(tag);
        }
    }

    private static void expect(int tag, int wireType) {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw new WireException("DHT field " + WireFormat.getTagFieldNumber(tag) + " has wire type "
                    + WireFormat.getTagWireType(tag) + ", expected " + wireType);
        }
    }

    private static void cap(int have, int max, String what) {
        if (have >= max) {
            throw new WireException("a DHT message carries at most " + max + " " + what);
        }
    }
}
