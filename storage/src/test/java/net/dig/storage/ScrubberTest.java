package net.dig.storage;

import static net.dig.storage.StorageErrorCodesTest.codeOf;
import static net.dig.storage.StorageTestSupport.NODE;
import static net.dig.storage.StorageTestSupport.OWNER;
import static net.dig.storage.StorageTestSupport.randomBytes;
import static net.dig.storage.StorageTestSupport.write;
import static net.dig.testkit.Corruption.flip;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Progress;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Scrubber}, driven by hand with a manual clock: pacing, passes, findings. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScrubberTest {
    static final int KB256 = 262_144;
    /** What scrubbing one full 256 KiB capsule costs: its bytes and its 64 chunk hashes. */
    static final long CAPSULE_COST = KB256 + 32L * 64;

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock();

    private StorageEngine open(StorageConfig config) {
        return StorageEngine.open(config, clock, NODE, new SplittableRandom(7));
    }

    @Test
    void aFlippedByteIsFoundWithinOnePassQuarantinedAndRefused() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine e = open(config)) {
            Manifest m = e.ingest(write(tmp.resolve("d"), randomBytes(3 * KB256, 1)), new IngestOptions(KB256, Compression.NONE, "d"),
                    OWNER, Progress.none());
            CapsuleLocation loc = e.locate(m.datastoreId(), 2).orElseThrow(); // served once: known good
            List<CapsuleDamage> damaged = StorageTestSupport.damages(e);
            flip(loc.plotPath(), loc.offset() + 12345);
            assertThat(e.region(m.datastoreId(), 2).plotId()).isEqualTo(loc.plotId()); // remembered good until the scrubber looks
            Scrubber s = e.scrubber(new ScrubConfig(10L << 20, Duration.ofHours(1)));
            for (int i = 0; i < 10 && s.status().passes() == 0; i++) {
                clock.advance(Duration.ofSeconds(1));
                s.tick();
            }
            ScrubStatus st = s.status();
            assertThat(st.passes()).isEqualTo(1);
            assertThat(st.badFound()).isEqualTo(1);
            assertThat(st.bytesScrubbed()).isEqualTo(3 * CAPSULE_COST);
            assertThat(st.lastPassFinishedMillis()).isEqualTo(clock.millis());
            assertThat(e.scrubStatus()).isEqualTo(st);
            assertThat(e.capsuleServable(loc, m.datastoreId(), 2)).isFalse();
            assertThat(codeOf(() -> e.region(m.datastoreId(), 2))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(damaged).singleElement().satisfies(d -> assertThat(d.capsuleIndex()).isEqualTo(2));
            // the next pass finds it again but counts and announces it once
            clock.advance(Duration.ofHours(1));
            for (int i = 0; i < 10 && s.status().passes() == 1; i++) {
                clock.advance(Duration.ofSeconds(1));
                s.tick();
            }
            assertThat(s.status().passes()).isEqualTo(2);
            assertThat(s.status().badFound()).isEqualTo(1);
            assertThat(damaged).hasSize(1);
        }
        try (StorageEngine e = open(config)) {
            assertThat(e.badCapsuleCount()).isEqualTo(1); // persisted
        }
    }

    @Test
    void theRateBoundsTheBytesPerTickAndThePeriodSpacesPasses() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine e = open(config)) {
            e.ingest(write(tmp.resolve("d"), randomBytes(4 * KB256, 2)), new IngestOptions(KB256, Compression.NONE, "d"), OWNER,
                    Progress.none());
            Scrubber s = e.scrubber(new ScrubConfig(KB256, Duration.ofSeconds(1000))); // one capsule per second
            s.tick();
            assertThat(s.status().bytesScrubbed()).isZero(); // no time has passed
            clock.advance(Duration.ofMillis(100));
            s.tick();
            // a tenth of a second buys a part of a capsule: one capsule is checked, the bucket goes into debt
            assertThat(s.status().bytesScrubbed()).isEqualTo(CAPSULE_COST);
            clock.advance(Duration.ofMillis(500));
            s.tick();
            assertThat(s.status().bytesScrubbed()).isEqualTo(CAPSULE_COST); // still paying the debt
            clock.advance(Duration.ofSeconds(100)); // a long pause fills the bucket to one second, no more
            s.tick();
            assertThat(s.status().bytesScrubbed()).isEqualTo(2 * CAPSULE_COST);
            assertThat(s.status().passBytes()).isLessThan(s.status().passTotalBytes());
            for (int i = 0; i < 10 && s.status().passes() == 0; i++) {
                clock.advance(Duration.ofSeconds(2));
                s.tick();
            }
            assertThat(s.status().passes()).isEqualTo(1);
            assertThat(s.status().passBytes()).isEqualTo(s.status().passTotalBytes());
            long afterOne = s.status().bytesScrubbed();
            assertThat(afterOne).isEqualTo(4 * CAPSULE_COST);
            // the pass started at the first tick (t = 0) and took about 107 s; the next starts at t = 1000 s
            clock.advance(Duration.ofSeconds(10));
            s.tick();
            assertThat(s.status().bytesScrubbed()).isEqualTo(afterOne);
            clock.advance(Duration.ofSeconds(880));
            s.tick();
            assertThat(s.status().bytesScrubbed()).isEqualTo(afterOne);
            clock.advance(Duration.ofSeconds(10));
            s.tick();
            assertThat(s.status().bytesScrubbed()).isGreaterThan(afterOne);
        }
    }

    @Test
    void offScrubsNothingButStillTakesInFindingsOfAnotherProcess() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine e = open(config)) {
            Manifest m = e.ingest(write(tmp.resolve("d"), randomBytes(KB256, 3)), new IngestOptions(KB256, Compression.NONE, "d"),
                    OWNER, Progress.none());
            CapsuleLocation loc = e.locate(m.datastoreId(), 0).orElseThrow();
            Scrubber s = e.scrubber(ScrubConfig.OFF);
            flip(loc.plotPath(), loc.offset());
            try (StorageEngine cli = open(config)) {
                cli.verify(java.util.Optional.empty(), Progress.none());
            }
            clock.advance(Duration.ofHours(1));
            s.tick();
            assertThat(s.status().bytesScrubbed()).isZero();
            assertThat(s.status().enabled()).isFalse();
            assertThat(e.capsuleServable(loc, m.datastoreId(), 0)).isFalse();
        }
    }

    @Test
    void aPlotWhoseTablesRotIsQuarantinedByTheScrubber() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine e = open(config)) {
            Manifest m = e.ingest(write(tmp.resolve("d"), randomBytes(KB256, 4)), new IngestOptions(KB256, Compression.NONE, "d"),
                    OWNER, Progress.none());
            CapsuleLocation loc = e.locate(m.datastoreId(), 0).orElseThrow();
            flip(loc.plotPath(), 100); // inside the header
            Scrubber s = e.scrubber(new ScrubConfig(10L << 20, Duration.ofHours(1)));
            s.tick(); // the bucket starts empty
            assertThat(s.status().badFound()).isZero();
            clock.advance(Duration.ofSeconds(1));
            s.tick();
            assertThat(s.status().badFound()).isEqualTo(1);
            assertThat(e.quarantinedPlotCount()).isEqualTo(1);
            assertThat(codeOf(() -> e.region(m.datastoreId(), 0))).isEqualTo(StorageErrorCode.QUARANTINED);
        }
    }

    @Test
    void configIsValidated() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScrubConfig(-1, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScrubConfig(1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
