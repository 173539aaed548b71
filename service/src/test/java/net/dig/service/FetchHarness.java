package net.dig.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;

/**
 * Two real homes for fetch tests: a source node holding an ingested datastore, whose {@link CapsuleWindows}
 * answer for every fake provider, and a destination node that fetches it. {@link Link} is the in-memory
 * transport: it queues requests and delivers answers in order, each provider's answers passed through an
 * optional {@link Behaviour} (tamper, stall, refuse).
 */
final class FetchHarness implements AutoCloseable {
    static final NodeIdentity OWNER = NodeIdentity.fromSeed(seed(2));

    /** What a provider does with the honest answer; null: never answers. */
    interface Behaviour {
        FetchResponse apply(FetchRequest request, FetchResponse honest);
    }

    record Penalty(String peer, ErrorCode code, String why) {
    }

    final ManualClock clock = new ManualClock();
    final StorageEngine sourceEngine;
    final NodeServices source;
    final StorageEngine destEngine;
    final NodeServices dest;
    final Manifest manifest;
    final byte[] data;
    final CapsuleWindows windows;

    private FetchHarness(Path sourceHome, Path destHome, byte[] data) {
        this.sourceEngine = open(sourceHome, 1);
        this.source = services(sourceEngine, sourceHome, clock);
        this.destEngine = open(destHome, 9);
        this.dest = services(destEngine, destHome, clock);
        this.manifest = sourceEngine.manifest(sourceEngine.datastores().getFirst().datastoreId()).orElseThrow();
        this.data = data;
        this.windows = source.capsuleWindows(new UploadBudget.Settings(1L << 40, 1L << 40, 64L << 20, 64),
                FetchConfig.MAX_WINDOW_BYTES);
    }

    /** A source holding a datastore of {@code bytes} random bytes in capsules of {@code capsuleSize}. */
    static FetchHarness create(Path tmp, int capsuleSize, int bytes) throws IOException {
        Path sourceHome = tmp.resolve("source");
        byte[] data = content(bytes);
        Path file = tmp.resolve("content.bin");
        Files.write(file, data);
        try (StorageEngine e = open(sourceHome, 1)) {
            e.ingest(file, new IngestOptions(capsuleSize, Compression.NONE, "content.bin"), OWNER, Progress.none());
        }
        return new FetchHarness(sourceHome, tmp.resolve("dest"), data);
    }

    /** Reopens homes {@link #create} made (a restarted process). */
    static FetchHarness reopen(Path tmp, int bytes) {
        return new FetchHarness(tmp.resolve("source"), tmp.resolve("dest"), content(bytes));
    }

    static byte[] content(int bytes) {
        byte[] data = new byte[bytes];
        new SplittableRandom(bytes).nextBytes(data);
        return data;
    }

    static StorageEngine open(Path home, int seed) {
        return StorageEngine.open(StorageConfig.under(home), new ManualClock(), NodeIdentity.fromSeed(seed(seed)),
                new SplittableRandom(seed));
    }

    private static NodeServices services(StorageEngine engine, Path home, ManualClock clock) {
        return NodeServices.open(engine, NodeIdentity.fromSeed(seed(5)), clock,
                new NodeServices.Settings(32L << 20, home.resolve("l2"), 0, home.resolve("handles.sqlite")));
    }

    FetchService fetches(FetchConfig config) {
        return dest.fetchService(config, new SplittableRandom(11));
    }

    static FetchConfig config(int windowBytes) {
        return new FetchConfig(windowBytes, 2, 6, Duration.ofSeconds(10), 1000, Compression.NONE);
    }

    Link link() {
        return new Link();
    }

    /** The in-memory transport. */
    final class Link implements PeerLink<String> {
        record Sent(String peer, FetchRequest request) {
        }

        final Deque<Sent> queue = new ArrayDeque<>();
        final List<Sent> held = new ArrayList<>();
        final List<Penalty> penalties = new ArrayList<>();
        final Map<String, Behaviour> behaviours = new HashMap<>();
        final Map<String, Integer> served = new HashMap<>();
        Consumer<Penalty> onPenalty = p -> { };

        @Override
        public void send(String peer, FetchRequest request) {
            queue.add(new Sent(peer, request));
        }

        @Override
        public void penalise(String peer, ErrorCode code, String why) {
            Penalty p = new Penalty(peer, code, why);
            penalties.add(p);
            onPenalty.accept(p);
        }

        /** Delivers requests until the session ends; when only unanswered ones are left, time passes. */
        FetchSession.Outcome run(FetchSession<String> session) {
            session.start(clock.nanos());
            for (int round = 0; round < 100_000; round++) {
                if (session.outcome().isPresent()) {
                    return session.outcome().get();
                }
                Sent s = queue.poll();
                if (s == null) {
                    if (session.starved()) {
                        return null;
                    }
                    clock.advance(Duration.ofSeconds(11));
                    session.onTick(clock.nanos());
                    continue;
                }
                FetchResponse honest = windows.answer(s.peer(), s.request());
                Behaviour b = behaviours.get(s.peer());
                FetchResponse answer = b == null ? honest : b.apply(s.request(), honest);
                if (answer == null) {
                    held.add(s);
                    continue;
                }
                if (answer instanceof FetchResponse.Window) {
                    served.merge(s.peer(), 1, Integer::sum);
                }
                session.onResponse(s.peer(), answer, clock.nanos());
            }
            throw new AssertionError("the fetch did not end");
        }
    }

    static byte[] seed(int b) {
        byte[] s = new byte[32];
        s[0] = (byte) b;
        return s;
    }

    @Override
    public void close() {
        dest.close();
        destEngine.close();
        source.close();
        sourceEngine.close();
    }
}
