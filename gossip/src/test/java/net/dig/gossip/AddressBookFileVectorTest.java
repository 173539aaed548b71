package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** The address book file format, byte for byte, against {@code vectors/address-book-v1.hex}. */
class AddressBookFileVectorTest {
    static AddressManager sample(ManualClock clock) {
        AddressManager m = new AddressManager(clock, new SplittableRandom(1), Bytes32.fromHex("11".repeat(32)), false);
        long now = clock.epochSeconds();
        m.add(PeerAddress.of("8.8.8.8", 8444), now - 3600, Optional.of(PeerAddress.of("1.1.1.1", 8444)), 0);
        m.add(PeerAddress.of("2001:4860::8888", 9444), now - 60, Optional.empty(), 0);
        m.markGood(PeerAddress.of("8.8.8.8", 8444), false);
        return m;
    }

    static byte[] vector() throws IOException {
        try (InputStream in = AddressBookFileVectorTest.class.getResourceAsStream("/vectors/address-book-v1.hex")) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return HexFormat.of().parseHex(text.lines().filter(l -> !l.startsWith("#")).reduce("", String::concat).strip());
        }
    }

    @Test
    void encodesTheSampleBookToTheVector() throws IOException {
        assertThat(HexFormat.of().formatHex(AddressBookFile.encode(sample(new ManualClock()))))
                .isEqualTo(HexFormat.of().formatHex(vector()));
    }

    @Test
    void decodesTheVectorToTheSampleBook() throws IOException {
        ManualClock clock = new ManualClock();
        AddressManager back = AddressBookFile.decode(vector(), clock, new SplittableRandom(2), false);
        assertThat(back.entries()).containsExactlyInAnyOrderElementsOf(sample(clock).entries());
        assertThat(back.secretKey()).isEqualTo(Bytes32.fromHex("11".repeat(32)));
        assertThat(back.triedCount()).isEqualTo(1);
        assertThat(back.newCount()).isEqualTo(1);
    }
}
