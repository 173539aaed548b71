package net.dig.gossip;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import net.dig.wire.Message;

/** Payloads kept to answer GRAFT/RequestByHash, bounded by count, bytes and age (insertion order = age). */
final class PayloadCache {
    private record Entry(Message message, long expiresAt) {}

    private final int maxMessages;
    private final long maxBytes;
    private final long ttlMillis;
    private final LinkedHashMap<MessageId, Entry> entries = new LinkedHashMap<>();
    private long bytes;

    PayloadCache(int maxMessages, long maxBytes, long ttlMillis) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.ttlMillis = ttlMillis;
    }

    void put(MessageId id, Message message, long now) {
        expire(now);
        if (message.data().length > maxBytes) {
            return;
        }
        Entry old = entries.remove(id);
        if (old != null) {
            bytes -= old.message.data().length;
        }
        while (!entries.isEmpty() && (entries.size() >= maxMessages || bytes + message.data().length > maxBytes)) {
            removeEldest();
        }
        entries.put(id, new Entry(message, now + ttlMillis));
        bytes += message.data().length;
    }

    Message get(MessageId id, long now) {
        Entry e = entries.get(id);
        return e == null || e.expiresAt <= now ? null : e.message;
    }

    void expire(long now) {
        while (!entries.isEmpty() && entries.firstEntry().getValue().expiresAt <= now) {
            removeEldest();
        }
    }

    int size() {
        return entries.size();
    }

    private void removeEldest() {
        Iterator<Map.Entry<MessageId, Entry>> it = entries.entrySet().iterator();
        bytes -= it.next().getValue().message.data().length;
        it.remove();
    }
}
