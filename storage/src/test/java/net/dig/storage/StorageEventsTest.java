package net.dig.storage;

import static net.dig.testkit.Corruption.flip;
import static net.dig.storage.StorageTestSupport.OWNER;
import static net.dig.storage.StorageTestSupport.randomBytes;
import static net.dig.storage.StorageTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StorageEvents}: told after the change is durable, outside every engine lock, never breaking storage. */
class StorageEventsTest {
    static final int KB256 = 262_144;

    @TempDir
    Path tmp;

    /** Records every event as text. */
    static final class Recorder implements StorageEvents {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onVersionCommitted(Manifest manifest) {
            seen.add("committed " + manifest.name() + " v" + manifest.version().version());
        }

        @Override
        public void onPlotQuarantined(Bytes32 plotId, Path plot, String reason) {
            seen.add("quarantined " + plotId + " " + reason);
        }

        @Override
        public void onDatastoreEvicted(Bytes32 datastoreId, java.util.Set<Bytes32> capsuleHashes) {
            seen.add("evicted " + datastoreId + " " + capsuleHashes.size() + " capsules");
        }
    }

    @Test
    void ingestStoreQuarantineAndEvictionAreAnnouncedOnceDurable() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        byte[] data = randomBytes(2 * KB256, 1);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            Recorder r = new Recorder();
            AtomicReference<String> durable = new AtomicReference<>();
            e.addListener(r);
            e.addListener(r); // once only
            e.addListener(new StorageEvents() {
                @Override
                public void onVersionCommitted(Manifest manifest) {
                    // durable: the new version is in the index and readable, seen from a second engine
                    try (StorageEngine other = StorageTestSupport.open(config)) {
                        durable.set(other.manifest(manifest.datastoreId()).map(Manifest::name).orElse("missing"));
                    }
                }
            });
            Manifest m = e.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.NONE, "d"), OWNER,
                    Progress.none());
            assertThat(r.seen).containsExactly("committed d v1");
            assertThat(durable.get()).isEqualTo("d");

            CapsuleLocation loc = e.locate(m.datastoreId(), 1).orElseThrow();
            flip(loc.plotPath(), loc.offset() + 7);
            e.verify(Optional.empty(), Progress.none());
            assertThat(r.seen).hasSize(2);
            assertThat(r.seen.get(1)).startsWith("quarantined " + loc.plotId()).contains("capsule 1 of datastore " + m.datastoreId());

            assertThat(e.evict(m.datastoreId())).isTrue();
            assertThat(r.seen).last().isEqualTo("evicted " + m.datastoreId() + " 2 capsules");
            assertThat(e.evict(m.datastoreId())).isFalse();
            assertThat(r.seen).hasSize(3);

            e.removeListener(r);
            e.ingest(write(tmp.resolve("d2"), randomBytes(100, 2)), new IngestOptions(KB256, Compression.NONE, "d2"), OWNER,
                    Progress.none());
            assertThat(r.seen).hasSize(3);
        }
    }

    @Test
    void aThrowingListenerDoesNotBreakStorageNorTheOtherListeners() throws Exception {
        try (StorageEngine e = StorageTestSupport.open(tmp.resolve("home"))) {
            e.addListener(new StorageEvents() {
                @Override
                public void onVersionCommitted(Manifest manifest) {
                    throw new IllegalStateException("listener bug");
                }
            });
            Recorder r = new Recorder();
            e.addListener(r);
            Manifest m = e.ingest(write(tmp.resolve("d"), randomBytes(1000, 3)), new IngestOptions(KB256, Compression.NONE, "d"),
                    OWNER, Progress.none());
            assertThat(r.seen).containsExactly("committed d v1");
            assertThat(e.readCapsule(m.datastoreId(), 0)).hasSize(1000);
        }
    }

    @Test
    void aListenerMayCallTheEngineFromAnyThreadWithoutDeadlock() throws Exception {
        try (StorageEngine e = StorageTestSupport.open(tmp.resolve("home"))) {
            Path second = write(tmp.resolve("second"), randomBytes(1000, 4));
            AtomicReference<Manifest> fromListener = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<String> order = new CopyOnWriteArrayList<>();
            e.addListener(new StorageEvents() {
                @Override
                public void onVersionCommitted(Manifest manifest) {
                    order.add(manifest.name());
                    if (!manifest.name().equals("first")) {
                        return;
                    }
                    // another thread commits (takes the commit lock) while this listener waits for it:
                    // this deadlocks if listeners run under an engine lock
                    Thread t = Thread.ofPlatform().start(() -> {
                        try {
                            fromListener.set(e.ingest(second, new IngestOptions(KB256, Compression.NONE, "second"), OWNER,
                                    Progress.none()));
                        } catch (Throwable ex) {
                            failure.set(ex);
                        }
                    });
                    try {
                        assertThat(t.join(java.time.Duration.ofSeconds(60))).as("the other commit finished").isTrue();
                    } catch (InterruptedException ex) {
                        throw new AssertionError(ex);
                    }
                    assertThat(e.readCapsule(manifest.datastoreId(), 0)).hasSize(1000); // and a read on this thread
                }
            });
            e.ingest(write(tmp.resolve("first"), randomBytes(1000, 5)), new IngestOptions(KB256, Compression.NONE, "first"),
                    OWNER, Progress.none());
            assertThat(failure.get()).isNull();
            assertThat(fromListener.get()).isNotNull();
            assertThat(e.manifest(fromListener.get().datastoreId())).isPresent();
            assertThat(order).containsExactly("first", "second");
        }
    }
}
