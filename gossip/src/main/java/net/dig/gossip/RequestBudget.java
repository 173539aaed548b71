package net.dig.gossip;

import java.util.LinkedHashMap;
import java.util.Map;

/** Token bucket plus the ids recently served to one peer (for idempotent RequestByHash). */
final class RequestBudget {
    private static final int SERVED_MEMORY = 1024;
    double tokens;
    long refilledAt;
    final LinkedHashMap<MessageId, Long> served = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<MessageId, Long> eldest) {
            return size() > SERVED_MEMORY;
        }
    };

    RequestBudget(int burst, long now) {
        this.tokens = burst;
        this.refilledAt = now;
    }

    void refill(long now, int ratePerSecond, int burst) {
        if (now > refilledAt) {
            tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerSecond / 1000.0);
            refilledAt = now;
        }
    }

    /** True if {@code id} may be sent now (not sent to this peer within the window). */
    boolean markServed(MessageId id, long now, long windowMillis) {
        Long last = served.get(id);
        if (last != null && now - last < windowMillis) {
            return false;
        }
        served.put(id, now);
        return true;
    }
}
