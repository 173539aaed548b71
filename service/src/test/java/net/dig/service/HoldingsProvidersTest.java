package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.gossip.HoldingsBook;
import net.dig.gossip.HoldingsConfig;
import net.dig.gossip.PeerId;
import net.dig.testkit.ManualClock;
import net.dig.wire.HoldingsAnnounce;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HoldingsProvidersTest {
    private final ManualClock clock = new ManualClock(1_800_000_000_000L);

    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    @Test
    void theConnectedHoldersOfADatastoreAreItsProviders() throws Exception {
        Bytes32 store = Sha256.hash("store".getBytes());
        HoldingsBook book = new HoldingsBook(clock, HoldingsConfig.defaults());
        KeyPair a = p256();
        KeyPair b = p256();
        PeerId pa = PeerId.fromSpkiDer(a.getPublic().getEncoded());
        PeerId pb = PeerId.fromSpkiDer(b.getPublic().getEncoded());
        long now = clock.epochSeconds();
        for (KeyPair k : List.of(a, b)) {
            book.offer(PeerId.fromSpkiDer(k.getPublic().getEncoded()), HoldingsAnnounce.sign(k.getPrivate(), k.getPublic().getEncoded(), 1, now,
                    List.of(new HoldingsAnnounce.Add(store, List.of(new HoldingsAnnounce.Address("127.0.0.1", 9444)), now + 60))));
        }
        HoldingsProviders providers = new HoldingsProviders(book, Set.of(pa)::contains);
        List<ProviderSource.Provider> got = providers.providers(store).toCompletableFuture().join();
        assertThat(got).containsExactly(new ProviderSource.Provider(pa, List.of(InetSocketAddress.createUnresolved("127.0.0.1", 9444)), java.util.Optional.empty()));
        assertThat(new HoldingsProviders(book, p -> true).providers(store).toCompletableFuture().join())
                .extracting(ProviderSource.Provider::peer).containsExactlyInAnyOrder(pa, pb);
        assertThat(providers.providers(Sha256.hash("other".getBytes())).toCompletableFuture().join()).isEmpty();
    }
}
