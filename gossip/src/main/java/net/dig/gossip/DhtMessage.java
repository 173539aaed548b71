package net.dig.gossip;

import java.util.List;
import java.util.Objects;
import net.dig.core.Bytes32;

/**
 * The DHT's messages: four requests, each answered by one response carrying the same {@code requestId} (a u64
 * the requester picks; a response is matched by id and sender). Every count a peer declares is capped here, so
 * a decoder that builds these records rejects oversized lists with {@link IllegalArgumentException}:
 * <pre>
 *   request                      response
 *   Ping(id)                     Pong(id)
 *   FindNode(id, target)         Nodes(id, closer[0..20])
 *   FindProviders(id, key)       Providers(id, providers[0..20], closer[0..20])
 *   AddProvider(id, record)      AddProviderAck(id, stored)
 * </pre>
 * {@code target} and {@code key} are 32-byte ids in the same XOR space as PeerIds; a contact is a PeerId with up
 * to 8 addresses ({@link DhtContact}); a record is a {@link ProviderRecord}. A wire codec maps each record to one
 * body field by field in the order declared.
 */
public sealed interface DhtMessage {
    int MAX_CONTACTS = 20;
    int MAX_PROVIDERS = 20;

    long requestId();

    /** Whether this message asks for an answer (and so counts against the sender's inbound budget). */
    default boolean isRequest() {
        return this instanceof Ping || this instanceof FindNode || this instanceof FindProviders || this instanceof AddProvider;
    }

    record Ping(long requestId) implements DhtMessage {}

    record Pong(long requestId) implements DhtMessage {}

    record FindNode(long requestId, Bytes32 target) implements DhtMessage {
        public FindNode {
            Objects.requireNonNull(target, "target");
        }
    }

    record Nodes(long requestId, List<DhtContact> closer) implements DhtMessage {
        public Nodes {
            closer = capped(closer, MAX_CONTACTS, "contacts");
        }
    }

    record FindProviders(long requestId, Bytes32 key) implements DhtMessage {
        public FindProviders {
            Objects.requireNonNull(key, "key");
        }
    }

    record Providers(long requestId, List<ProviderRecord> providers, List<DhtContact> closer) implements DhtMessage {
        public Providers {
            providers = capped(providers, MAX_PROVIDERS, "provider records");
            closer = capped(closer, MAX_CONTACTS, "contacts");
        }
    }

    record AddProvider(long requestId, ProviderRecord record) implements DhtMessage {
        public AddProvider {
            Objects.requireNonNull(record, "record");
        }
    }

    record AddProviderAck(long requestId, boolean stored) implements DhtMessage {}

    private static <T> List<T> capped(List<T> list, int max, String what) {
        List<T> copy = List.copyOf(list);
        if (copy.size() > max) {
            throw new IllegalArgumentException("a DHT message carries at most " + max + " " + what + ", got " + copy.size());
        }
        return copy;
    }
}
