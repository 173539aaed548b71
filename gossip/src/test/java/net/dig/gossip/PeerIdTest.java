package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PeerIdTest {
    @Test
    void isSha256OfTheSpkiDer() {
        // SHA-256("abc"), the FIPS 180-2 example, stands in for an SPKI DER blob.
        PeerId id = PeerId.fromSpkiDer("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(id.toHex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(id.shortHex()).isEqualTo("ba7816bf");
        assertThat(id.toString()).isEqualTo(id.toHex());
    }

    @Test
    void parsesWithOrWithoutPrefixAndOrdersByBytes() {
        PeerId a = PeerId.parse("00".repeat(32));
        PeerId b = PeerId.parse("0x" + "ff".repeat(32));
        assertThat(a).isLessThan(b);
        assertThat(PeerId.parse(b.toHex())).isEqualTo(b);
        assertThatThrownBy(() -> PeerId.parse("abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
