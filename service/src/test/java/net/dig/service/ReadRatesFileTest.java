package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadRatesFile}: counts read back as they were saved, in the order the table forgets them, decayed over the
 * time the node was stopped; saved at most once a minute of the injected clock and at close; a corrupt, truncated or
 * unknown-version file is ignored (empty rates) and replaced by the next save.
 */
class ReadRatesFileTest {
    @TempDir Path tmp;
    private final ManualClock clock = new ManualClock();

    private static Bytes32 id(int n) {
        return Bytes32.fromHex(String.format("%064x", n));
    }

    private Path file() {
        return tmp.resolve("replication").resolve("read-rates");
    }

    /** Rates with {@code reads} reads of id 1 and one of id 2, 30 s apart. */
    private ReadRates read(int reads) {
        ReadRates rates = new ReadRates(clock);
        for (int i = 0; i < reads; i++) {
            rates.read(id(1));
            clock.advance(Duration.ofSeconds(30));
        }
        rates.read(id(2));
        return rates;
    }

    @Test
    void savedAtMostOnceAMinuteAndAtCloseAndReadBackInTheSameOrder() throws Exception {
        ReadRates rates = new ReadRates(clock);
        ReadRatesFile saved = ReadRatesFile.open(file(), rates, clock);
        assertThat(rates.tracked()).isZero();
        rates.read(id(1));
        rates.read(id(2));
        clock.advance(Duration.ofSeconds(59));
        saved.tick();
        assertThat(file()).doesNotExist();
        clock.advance(Duration.ofSeconds(1));
        saved.tick();
        byte[] first = Files.readAllBytes(file());
        assertThat(ReadRatesFile.decode(first)).isEqualTo(rates.snapshot());

        rates.read(id(1)); // now read after id 2
        clock.advance(Duration.ofSeconds(30));
        saved.tick();
        assertThat(Files.readAllBytes(file())).as("within a minute of the last save").isEqualTo(first);
        saved.close();
        assertThat(ReadRatesFile.decode(Files.readAllBytes(file()))).isEqualTo(rates.snapshot());
        assertThat(rates.snapshot()).extracting(ReadRates.Entry::datastoreId).containsExactly(id(2), id(1));

        ReadRates back = new ReadRates(clock);
        ReadRatesFile.open(file(), back, clock);
        assertThat(back.snapshot()).isEqualTo(rates.snapshot());
        assertThat(back.perHour(id(1))).isEqualTo(rates.perHour(id(1)));
        assertThat(back.perHour(id(2))).isEqualTo(rates.perHour(id(2)));
        assertThat(back.perHour(id(3))).isZero();
    }

    @Test
    void aRestoredCountHasDecayedOverTheTimeTheNodeWasStopped() throws Exception {
        ReadRates rates = read(240);
        double before = rates.perHour(id(1));
        ReadRatesFile.open(file(), rates, clock).close();

        clock.advance(Duration.ofHours(2)); // stopped for two half-lives
        ReadRates back = new ReadRates(clock);
        ReadRatesFile.open(file(), back, clock);
        assertThat(back.perHour(id(1))).isCloseTo(before / 4, within(before * 1e-9));
        back.read(id(1)); // one read adds ln 2 reads an hour to the rate
        assertThat(back.perHour(id(1))).isCloseTo(before / 4 + Math.log(2), within(before * 1e-9));
    }

    @Test
    void readsCountedBeforeTheFileWasOpenedStayTheNewest() throws Exception {
        ReadRatesFile.open(file(), read(2), clock).close();
        ReadRates fresh = new ReadRates(clock);
        fresh.read(id(3));
        ReadRatesFile.open(file(), fresh, clock);
        assertThat(fresh.snapshot()).extracting(ReadRates.Entry::datastoreId).containsExactly(id(1), id(2), id(3));
    }

    @Test
    void aCorruptTruncatedOrUnknownVersionFileIsIgnoredAndReplacedByTheNextSave() throws Exception {
        ReadRates rates = read(3);
        ReadRatesFile.open(file(), rates, clock).close();
        byte[] good = Files.readAllBytes(file());

        byte[] flipped = good.clone();
        flipped[20] ^= 1;
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        byte[] future = good.clone();
        ByteBuffer.wrap(future).putInt(4, 2);
        byte[] negative = good.clone(); // a negative count under a valid checksum
        ByteBuffer.wrap(negative).putDouble(12 + 32, -1.0);
        System.arraycopy(Sha256.hash(negative, 0, negative.length - 32).toArray(), 0, negative, negative.length - 32, 32);
        for (byte[] bad : new byte[][] {flipped, truncated, future, negative, new byte[0], "garbage".getBytes()}) {
            Files.write(file(), bad);
            ReadRates back = new ReadRates(clock);
            ReadRatesFile f = ReadRatesFile.open(file(), back, clock);
            assertThat(back.tracked()).isZero();
            back.read(id(9));
            f.close();
            assertThat(ReadRatesFile.decode(Files.readAllBytes(file()))).isEqualTo(back.snapshot());
        }
    }
}
