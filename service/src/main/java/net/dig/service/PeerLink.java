package net.dig.service;

/**
 * What a {@link FetchSession} needs from a transport, for peers identified by handles of type {@code P}.
 * The transport delivers every answer back with {@link FetchSession#onResponse} and drives timeouts with
 * {@link FetchSession#onTick}. Both methods are called on the session's own thread and must not block:
 * queue and return.
 */
public interface PeerLink<P> {
    /** Sends {@code request} to {@code peer}. */
    void send(P peer, FetchRequest request);

    /**
     * {@code peer} sent data that failed {@code code}'s check (bad bytes, a bad proof, a malformed answer)
     * or stalled; the transport applies {@code code.penalty()}. Called at most once per peer per session,
     * which drops the peer.
     */
    void penalise(P peer, ErrorCode code, String why);
}
