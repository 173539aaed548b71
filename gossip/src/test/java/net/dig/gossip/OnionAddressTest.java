package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.dig.testkit.ManualClock;
import net.dig.wire.TimestampedPeerInfo;
import org.junit.jupiter.api.Test;

class OnionAddressTest {
    /** A published v3 onion service name (its checksum and version byte are Tor's). */
    static final String DUCKDUCKGO = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion";

    @Test
    void parsesAndPrintsAV3Name() {
        OnionAddress a = OnionAddress.parse(DUCKDUCKGO).orElseThrow();
        assertThat(a.host()).isEqualTo(DUCKDUCKGO);
        assertThat(OnionAddress.parse(DUCKDUCKGO.toUpperCase(java.util.Locale.ROOT))).contains(a);
        assertThat(OnionAddress.ofPublicKey(a.publicKey()).host()).isEqualTo(DUCKDUCKGO);
    }

    @Test
    void refusesBadChecksumVersionLengthAndAlphabet() {
        assertThat(OnionAddress.parse("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczae.onion")).as("version/checksum").isEmpty();
        assertThat(OnionAddress.parse("euckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion")).as("key changed").isEmpty();
        assertThat(OnionAddress.parse("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzcza.onion")).as("length").isEmpty();
        assertThat(OnionAddress.parse("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzcz1d.onion")).as("alphabet").isEmpty();
        assertThat(OnionAddress.parse("3g2upl4pq6kufc4m.onion")).as("v2 names are gone").isEmpty();
    }

    @Test
    void onionEntriesTravelThroughPeerListsAndTheBook() throws Exception {
        ManualClock clock = new ManualClock();
        AddressManager book = AddressManager.create(clock, new SplittableRandom(1), false);
        PeerIntake intake = new PeerIntake(book);
        long now = clock.epochSeconds();
        PeerIntake.Outcome outcome = intake.onPeerList(PeerAddress.of("8.8.8.8", 9444),
                List.of(new TimestampedPeerInfo(DUCKDUCKGO, 9444, now - 60),
                        new TimestampedPeerInfo("notanonionatall.onion", 9444, now - 60)), now);
        assertThat(outcome.skipped()).isEqualTo(1);
        PeerAddress onion = PeerAddress.parse(DUCKDUCKGO, 9444).orElseThrow();
        assertThat(book.lookup(onion)).isPresent();
        assertThat(onion.isOnion()).isTrue();
        assertThat(onion.isPrivate()).isFalse();
        assertThat(onion.toString()).isEqualTo(DUCKDUCKGO + ":9444");
        assertThat(book.getPeers()).extracting(TimestampedPeerInfo::host).contains(DUCKDUCKGO);
        AddressManager reloaded = AddressBookFile.decode(AddressBookFile.encode(book), clock, new SplittableRandom(2), false);
        assertThat(reloaded.lookup(onion)).isPresent();
        assertThat(Optional.of(onion.group()[0])).contains((byte) 4);
    }
}
