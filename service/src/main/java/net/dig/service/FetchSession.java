package net.dig.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.FileEntry;

/**
 * Fetches one signed datastore version from several providers and lands it in the store
 * (docs/architecture.md §6 step 7). A sans-I/O state machine as far as the network goes: requests leave
 * through a {@link PeerLink}, answers come in through {@link #onResponse}, time through {@link #onTick};
 * verified bytes go to a {@link FetchStaging} area and, once all are there, through
 * {@link DatastoreService#store} into a plot.
 *
 * <h2>What is trusted</h2>
 * Only the expected version record, whose owner signature {@link FetchService#begin} checked before any
 * provider was asked. From it follow the capsule count and every capsule's size. Per capsule, the first
 * window carries a prologue: the chunk hashes (their count checked against the size before they are
 * used), whose tree gives chunk_root, and the capsule hash, whose leaf
 * {@code leaf(capsule_hash ‖ chunk_root)} must lead to the signed merkle_root by the leaf proof (for
 * leaf {@code i} of exactly capsule_count leaves). Every window's bytes are then checked chunk by chunk
 * against those chunk hashes before they are written; the name and file table against name_sha256 and
 * files_root (count capped by {@link FetchConfig#maxFiles()} first). Before landing, every staged
 * capsule is read back from disk and hashed against its proven capsule hash; the store checks all of it
 * once more against the root ({@link StagedLanding}).
 *
 * <h2>Scheduling</h2>
 * Work is 4 KiB chunks not yet verified nor asked for, taken in capsule order as runs of at most
 * {@link FetchConfig#windowBytes()}; a capsule whose chunk hashes are not known has one request (with
 * prologue) at a time. Below {@link FetchConfig#inFlightTotal()}, each run goes to the provider a
 * {@link WindowScheduler} picks; once all are asked, it may have a slow provider's last windows asked of
 * an idle faster one too: the first answer is used, the twin ignored and not waited for. A shorter
 * answer than asked (the provider's cap) leaves the rest of the run to be asked again.
 *
 * <h2>Failure modes</h2>
 * A provider that answers with one wrong byte, a bad proof, a malformed or unasked-for answer, or that
 * does not answer within {@link FetchConfig#requestTimeout()} is reported once through
 * {@link PeerLink#penalise} with the {@link ErrorCode} it failed, and dropped (for the rest of the
 * session: offering it again does not bring it back); its outstanding runs are asked of the others. A refusal drops the provider without penalty (it does not hold the version), but
 * {@link ErrorCode#RATE_LIMITED} only pauses it for the wait it names. With no provider left the session
 * waits ({@link #starved()}) for {@link #addProviders}. Staging I/O failures end the session
 * {@link State#FAILED} with {@link ErrorCode#UNAVAILABLE}, keeping what was verified for a later resume.
 *
 * <h2>Repairing some capsules only</h2>
 * A session begun by {@link FetchService#repair} fetches only the capsules it names of the version the
 * node holds, with the same checks; it asks for no metadata (the node holds the name and file table) and
 * lands each verified capsule through {@link DatastoreService#repairCapsule} as a new copy, after
 * checking that the store still holds exactly the expected version ({@link State#SUPERSEDED} if not).
 *
 * <h2>Concurrency</h2>
 * Every method is {@code synchronized}: a transport calls them from its own thread, a newer version may
 * {@link #supersede} from another. Landing and staging writes block (disk, SQLite): drive a session from
 * a worker thread, never from an event loop.
 */
public final class FetchSession<P> {
    /** Where a session is. */
    public enum State {
        RUNNING,
        /** The version is stored; the staging area is gone. */
        LANDED,
        /** The store already held exactly this version (an earlier run landed it before a restart). */
        ALREADY_HELD,
        /** A newer version of the datastore replaced this fetch, or was stored meanwhile. */
        SUPERSEDED,
        /** Ended with {@link Outcome#code()}. */
        FAILED
    }

    /** The end of a session; {@code code} is set for {@link State#FAILED}. */
    public record Outcome(State state, ErrorCode code, String message) {
    }

    private record Pending<P>(P peer, FetchRequest request, long deadline, int capsule, int firstChunk, int chunkCount) {
    }

    private static final BitSet EMPTY = new BitSet();

    private final DatastoreVersion expected;
    private final FetchConfig config;
    private final PeerLink<P> link;
    private final FetchStaging staging;
    private final StagedLanding landing;
    private final Consumer<String> steps;
    private final Consumer<FetchSession<?>> onEnd;
    /** Told the size of each window verified and staged (the node's download counter). */
    private final java.util.function.LongConsumer verifiedBytes;
    private final int capsuleCount;
    /** The capsules to fetch; null: the whole version. */
    private final BitSet only;
    /** Chunk hashes of the capsules whose prologue arrived and which are not yet complete. */
    private final Map<Integer, byte[]> chunkHashes = new HashMap<>();
    /** Chunks asked for and not yet answered, of the capsules with a request outstanding. */
    private final Map<Integer, BitSet> asked = new HashMap<>();
    private final Map<Long, Pending<P>> pending = new HashMap<>();
    private final WindowScheduler<P> scheduler;
    /** Providers dropped by this session; offering them again does not bring them back. */
    private final java.util.Set<P> dropped = new java.util.HashSet<>();
    private final Map<P, Integer> windowsFrom = new LinkedHashMap<>();
    private final int windowChunks;
    private final long timeoutNanos;
    private String name;
    private List<FileEntry> files;
    private long nextRequestId = 1;
    private int firstIncomplete;
    private Outcome outcome;

    FetchSession(DatastoreVersion expected, BitSet only, FetchConfig config, Collection<P> providers, PeerLink<P> link,
                 DatastoreService datastores, FetchStaging staging, RandomGenerator random, Consumer<String> steps,
                 java.util.function.LongConsumer verifiedBytes, Consumer<FetchSession<?>> onEnd) {
        this.expected = expected;
        this.only = only == null ? null : (BitSet) only.clone();
        this.config = config;
        this.link = link;
        this.staging = staging;
        this.landing = new StagedLanding(expected, datastores, staging, config.compression(), steps);
        this.capsuleCount = expected.capsuleCount();
        this.steps = steps;
        this.onEnd = onEnd;
        this.verifiedBytes = verifiedBytes;
        this.scheduler = new WindowScheduler<>(config.inFlightPerPeer(), random);
        for (P p : providers) {
            scheduler.add(Objects.requireNonNull(p, "provider"));
        }
        this.windowChunks = config.windowBytes() / FetchConfig.CHUNK;
        this.timeoutNanos = config.requestTimeout().toNanos();
    }

    public DatastoreVersion version() {
        return expected;
    }

    /** Adds providers (found later, or after all were dropped) and asks them for work; dropped ones stay out. */
    public synchronized void addProviders(Collection<P> providers, long nowNanos) {
        for (P p : providers) {
            if (!dropped.contains(Objects.requireNonNull(p, "provider"))) {
                scheduler.add(p);
            }
        }
        schedule(nowNanos);
    }

    /** The capsules this session fetches: every capsule of the version, or those a repair names. */
    public synchronized List<Integer> capsules() {
        return only == null ? java.util.stream.IntStream.range(0, capsuleCount).boxed().toList() : only.stream().boxed().toList();
    }

    /** Sends the first requests. */
    public synchronized void start(long nowNanos) {
        schedule(nowNanos);
    }

    /** The end of the session, once it ended. */
    public synchronized Optional<Outcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    /** Running, with work left and no provider to ask. */
    public synchronized boolean starved() {
        return outcome == null && scheduler.isEmpty();
    }

    /** Verified windows per provider, in the order providers first delivered one. */
    public synchronized Map<P, Integer> windowsFrom() {
        return Map.copyOf(windowsFrom);
    }

    /** Requests outstanding now. */
    public synchronized int inFlight() {
        return pending.size();
    }

    /** An answer from {@code peer}; answers to nothing outstanding from that peer are ignored. */
    public synchronized void onResponse(P peer, FetchResponse response, long nowNanos) {
        if (outcome != null) {
            return;
        }
        Pending<P> p = pending.get(response.requestId());
        if (p == null || !p.peer().equals(peer)) {
            return;
        }
        release(p);
        scheduler.answered(peer, p.request().requestId(), response instanceof FetchResponse.Window w ? w.data().length : 0,
                nowNanos);
        try {
            switch (response) {
                case FetchResponse.Refused r -> refused(peer, r, nowNanos);
                case FetchResponse.Metadata m -> metadata(peer, p, m);
                case FetchResponse.Window w -> window(peer, p, w);
            }
        } catch (IOException e) {
            end(new Outcome(State.FAILED, ErrorCode.UNAVAILABLE, "cannot write the staging area " + staging.dir() + ": "
                    + e.getMessage()));
            return;
        }
        schedule(nowNanos);
    }

    /** Time passed: providers with a request older than the timeout are penalised and dropped. */
    public synchronized void onTick(long nowNanos) {
        if (outcome != null) {
            return;
        }
        List<P> stalled = new ArrayList<>();
        for (Pending<P> p : pending.values()) {
            if (nowNanos - p.deadline() >= 0 && !stalled.contains(p.peer())) {
                stalled.add(p.peer());
            }
        }
        for (P peer : stalled) {
            drop(peer, ErrorCode.REQUEST_TIMEOUT, "no answer within " + config.requestTimeout());
        }
        schedule(nowNanos);
    }

    /** Ends a running session {@link State#FAILED} with {@code code}, keeping what was verified for a later resume. */
    synchronized void stop(ErrorCode code, String why) {
        if (outcome == null) {
            end(new Outcome(State.FAILED, code, why));
        }
    }

    /** A newer version replaces this one: outstanding answers are ignored, the staging area is deleted. */
    synchronized void supersede(String why) {
        if (outcome == null) {
            landing.deleteStaging();
            end(new Outcome(State.SUPERSEDED, null, why));
        }
    }

    // ------------------------------------------------------------------ answers

    private void refused(P peer, FetchResponse.Refused r, long now) {
        if (r.code() == ErrorCode.RATE_LIMITED) {
            long wait = TimeUnit.MILLISECONDS.toNanos(Math.clamp(r.retryAfterMillis(), 1, config.requestTimeout().toMillis()));
            scheduler.pause(peer, now + wait);
            return;
        }
        forget(peer);
    }

    private void metadata(P peer, Pending<P> p, FetchResponse.Metadata m) {
        if (!(p.request() instanceof FetchRequest.Metadata)) {
            drop(peer, ErrorCode.BAD_REQUEST, "answered a window request with metadata");
            return;
        }
        if (m.files().size() > config.maxFiles()) {
            drop(peer, ErrorCode.PAYLOAD_TOO_LARGE, "sent " + m.files().size() + " files, more than " + config.maxFiles());
            return;
        }
        String problem = FetchChecks.metadataProblem(expected, m);
        if (problem != null) {
            drop(peer, ErrorCode.VERIFICATION_FAILED, problem);
            return;
        }
        if (name == null) {
            name = m.name() == null ? "" : m.name();
            files = m.files();
        }
    }

    private void window(P peer, Pending<P> p, FetchResponse.Window w) throws IOException {
        int c = p.capsule();
        if (!(p.request() instanceof FetchRequest.Window asked) || w.capsuleIndex() != c || w.offset() != asked.offset()) {
            drop(peer, ErrorCode.BAD_REQUEST, "the answer is not for the window asked");
            return;
        }
        if (answered(p)) {
            return; // the later twin of a window another provider answered first
        }
        if (asked.prologue() && !prologue(peer, c, w.prologue())) {
            return;
        }
        byte[] hashes = chunkHashes.get(c);
        if (hashes == null) {
            // a window asked without prologue whose capsule was reset meanwhile
            return;
        }
        int len = w.data().length;
        long end = asked.offset() + len;
        boolean whole = len % FetchConfig.CHUNK == 0 || end == size(c);
        if (len == 0 || len > (long) p.chunkCount() * FetchConfig.CHUNK || end > size(c) || !whole) {
            drop(peer, ErrorCode.BAD_RANGE, "sent " + len + " bytes for a window of " + p.chunkCount() + " chunks at "
                    + asked.offset() + " of capsule " + c);
            return;
        }
        int n = (len + FetchConfig.CHUNK - 1) / FetchConfig.CHUNK;
        int bad = FetchChecks.badChunk(w.data(), hashes, p.firstChunk());
        if (bad >= 0) {
            drop(peer, ErrorCode.VERIFICATION_FAILED, "chunk " + bad + " of capsule " + c + " does not match its chunk hash");
            return;
        }
        staging.write(c, asked.offset(), w.data(), p.firstChunk(), n);
        verifiedBytes.accept(w.data().length);
        if (staging.progress(c).complete()) {
            chunkHashes.remove(c);
        }
        windowsFrom.merge(peer, 1, Integer::sum);
        steps.accept("window");
    }

    /** Checks a capsule's prologue; false (the peer dropped) if it does not prove out. */
    private boolean prologue(P peer, int c, FetchResponse.Prologue pr) throws IOException {
        if (chunkHashes.containsKey(c)) {
            return true;
        }
        if (pr == null || pr.chunkHashes().length != 32L * chunks(c)) {
            drop(peer, ErrorCode.VERIFICATION_FAILED, "capsule " + c + " needs a prologue of " + chunks(c) + " chunk hashes");
            return false;
        }
        Bytes32 chunkRoot = FetchChecks.provenChunkRoot(expected, c, pr);
        if (chunkRoot == null) {
            drop(peer, ErrorCode.VERIFICATION_FAILED, "the leaf proof of capsule " + c + " does not lead to the signed merkle_root");
            return false;
        }
        FetchStaging.Progress known = staging.progress(c);
        if (known != null && !(known.capsuleHash.equals(pr.capsuleHash()) && known.chunkRoot.equals(chunkRoot))) {
            staging.reset(c);
            known = null;
        }
        if (known == null) {
            staging.prove(c, pr.capsuleHash(), chunkRoot, chunks(c));
        }
        chunkHashes.put(c, pr.chunkHashes().clone());
        return true;
    }

    // ------------------------------------------------------------------ peers

    /** Penalises {@code peer} once for {@code code} and drops it. */
    private void drop(P peer, ErrorCode code, String why) {
        if (scheduler.contains(peer)) {
            link.penalise(peer, code, why);
        }
        forget(peer);
    }

    private void forget(P peer) {
        scheduler.remove(peer);
        dropped.add(peer);
        Iterator<Pending<P>> it = pending.values().iterator();
        while (it.hasNext()) {
            Pending<P> p = it.next();
            if (p.peer().equals(peer)) {
                it.remove();
                unask(p);
            }
        }
    }

    private void release(Pending<P> p) {
        pending.remove(p.request().requestId());
        unask(p);
    }

    /** Clears the chunks {@code p} asked for, unless its twin still asks for them. */
    private void unask(Pending<P> p) {
        if (p.capsule() >= 0 && twin(p) == null) {
            BitSet a = asked.get(p.capsule());
            a.clear(p.firstChunk(), p.firstChunk() + p.chunkCount());
            if (a.isEmpty()) {
                asked.remove(p.capsule());
            }
        }
    }

    // ------------------------------------------------------------------ scheduling

    private void schedule(long now) {
        if (outcome != null) {
            return;
        }
        if (only == null && name == null && pending.values().stream().noneMatch(p -> p.capsule() < 0)
                && pending.size() < config.inFlightTotal()) {
            P peer = scheduler.pick(now);
            if (peer != null) {
                send(peer, new FetchRequest.Metadata(nextRequestId++, expected.datastoreId(), expected.version()), now, -1, 0, 0);
            }
        }
        while (pending.size() < config.inFlightTotal()) {
            int[] run = nextRun();
            if (run == null) {
                break;
            }
            P peer = scheduler.pick(now);
            if (peer == null) {
                break;
            }
            sendWindow(peer, run[0], run[1], run[2], now);
        }
        boolean allAsked = nextRun() == null;
        while (allAsked && pending.size() < config.inFlightTotal()) {
            WindowScheduler.Hedge<P> h = scheduler.hedge(now, this::mayHedge);
            if (h == null) {
                break;
            }
            Pending<P> p = pending.get(h.requestId());
            sendWindow(h.to(), p.capsule(), p.firstChunk(), p.chunkCount(), now);
        }
        if ((only != null || name != null) && allAsked && allVerified()) {
            land(now); // twins still outstanding are not waited for
        }
    }

    private void sendWindow(P peer, int c, int firstChunk, int chunkCount, long now) {
        boolean prologue = !chunkHashes.containsKey(c);
        long offset = (long) firstChunk * FetchConfig.CHUNK;
        int length = (int) Math.min((long) chunkCount * FetchConfig.CHUNK, size(c) - offset);
        int maxSize = length + (prologue ? CapsuleWindows.maxPrologue() : 0);
        send(peer, new FetchRequest.Window(nextRequestId++, expected.datastoreId(), expected.version(), c, offset, length,
                maxSize, prologue), now, c, firstChunk, chunkCount);
    }

    /** Whether window request {@code id} may be asked of {@code to} as well: not of it already, not twice, not answered. */
    private boolean mayHedge(P to, long id) {
        Pending<P> p = pending.get(id);
        return p != null && p.capsule() >= 0 && !p.peer().equals(to) && twin(p) == null && !answered(p);
    }

    /** Whether every chunk {@code p} asks for is verified already (another provider answered its twin). */
    private boolean answered(Pending<P> p) {
        FetchStaging.Progress known = staging.progress(p.capsule());
        return known != null && known.verified.nextClearBit(p.firstChunk()) >= p.firstChunk() + p.chunkCount();
    }

    /** Another outstanding request for exactly the chunks {@code p} asks for; null if none. */
    private Pending<P> twin(Pending<P> p) {
        return pending.values().stream().filter(q -> q != p && q.capsule() == p.capsule() && q.firstChunk() == p.firstChunk()
                && q.chunkCount() == p.chunkCount()).findFirst().orElse(null);
    }

    private void send(P peer, FetchRequest request, long now, int capsule, int firstChunk, int chunkCount) {
        Pending<P> p = new Pending<>(peer, request, now + timeoutNanos, capsule, firstChunk, chunkCount);
        pending.put(request.requestId(), p);
        scheduler.sent(peer, request.requestId(), request instanceof FetchRequest.Window w ? w.length() : 0, now);
        if (capsule >= 0) {
            asked.computeIfAbsent(capsule, k -> new BitSet()).set(firstChunk, firstChunk + chunkCount);
        }
        link.send(peer, request);
    }

    /** {capsule, first chunk, chunk count} of the next run to ask for; null when nothing is left to ask. */
    private int[] nextRun() {
        for (int c = firstIncomplete; c < capsuleCount; c++) {
            FetchStaging.Progress known = staging.progress(c);
            if (!wanted(c) || known != null && known.complete()) {
                if (c == firstIncomplete) {
                    firstIncomplete++;
                }
                continue;
            }
            BitSet out = asked.getOrDefault(c, EMPTY);
            if (!chunkHashes.containsKey(c) && !out.isEmpty()) {
                continue;
            }
            BitSet done = known == null ? EMPTY : known.verified;
            int j = 0;
            while (j < chunks(c) && (done.get(j) || out.get(j))) {
                j++;
            }
            if (j >= chunks(c)) {
                continue;
            }
            int n = 1;
            while (n < windowChunks && j + n < chunks(c) && !done.get(j + n) && !out.get(j + n)) {
                n++;
            }
            return new int[] {c, j, n};
        }
        return null;
    }

    private boolean wanted(int c) {
        return only == null || only.get(c);
    }

    private boolean allVerified() {
        for (int c = firstIncomplete; c < capsuleCount; c++) {
            FetchStaging.Progress known = staging.progress(c);
            if (wanted(c) && (known == null || !known.complete())) {
                return false;
            }
        }
        return true;
    }

    private long size(int c) {
        return FetchService.sizeOf(expected, c);
    }

    private int chunks(int c) {
        return CapsuleWindows.chunkCount(size(c));
    }

    // ------------------------------------------------------------------ landing

    private void land(long now) {
        List<CapsuleInfo> capsules = new ArrayList<>(capsuleCount);
        Map<Integer, java.nio.file.Path> parts = new HashMap<>();
        boolean reset = false;
        try {
            for (int c = 0; c < capsuleCount; c++) {
                if (!wanted(c)) {
                    continue;
                }
                FetchStaging.Progress known = staging.progress(c);
                Bytes32 onDisk = staging.rehash(c, size(c));
                if (!known.capsuleHash.equals(onDisk)) {
                    staging.reset(c);
                    chunkHashes.remove(c);
                    firstIncomplete = Math.min(firstIncomplete, c);
                    reset = true;
                    continue;
                }
                capsules.add(new CapsuleInfo(c, known.capsuleHash, size(c), known.chunkRoot));
                parts.put(c, staging.dataFile(c));
            }
        } catch (IOException e) {
            end(new Outcome(State.FAILED, ErrorCode.UNAVAILABLE, "cannot read back the staging area " + staging.dir() + ": "
                    + e.getMessage()));
            return;
        }
        if (reset) {
            schedule(now);
            return;
        }
        steps.accept("land");
        end(only != null ? landing.repair(capsules, parts, capsules()) : landing.version(name, files, capsules, parts));
    }

    private void end(Outcome o) {
        outcome = o;
        pending.clear();
        onEnd.accept(this);
    }
}
