package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.service.HandleNamespace.Status;
import net.dig.wire.NodePayload.HandleRegistration;
import org.junit.jupiter.api.Test;

/** The namespace rule: deterministic over the set of records, whatever their order. */
class HandleNamespaceTest {
    private static final NodeIdentity ALICE = NodeIdentity.fromSeed(Sha256.hash("alice".getBytes()).toArray());
    private static final NodeIdentity BOB = NodeIdentity.fromSeed(Sha256.hash("bob".getBytes()).toArray());
    private static final NodeIdentity CAROL = NodeIdentity.fromSeed(Sha256.hash("carol".getBytes()).toArray());

    private static HandleRegistration rec(NodeIdentity owner, long at, long until, boolean revoked, int tier) {
        return HandleRegistration.signed("site", Sha256.hash(owner.publicKey()).toArray(), Optional.empty(), tier, at, until, revoked,
                new TreeMap<>(), owner);
    }

    private static HandleRegistration rec(NodeIdentity owner, long at, long until) {
        return rec(owner, at, until, false, 4);
    }

    private static HandleRegistration holder(HandleRegistration... records) {
        return HandleNamespace.holder(List.of(records)).orElse(null);
    }

    @Test
    void theEarliestRegistrationWinsWhateverTheArrivalOrder() {
        HandleRegistration a = rec(ALICE, 100, 1000);
        HandleRegistration b = rec(BOB, 101, 1000);
        HandleRegistration c = rec(CAROL, 99, 1000);
        List<HandleRegistration> all = new ArrayList<>(List.of(a, b, c));
        Random shuffle = new Random(7);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(all, shuffle);
            assertThat(HandleNamespace.holder(all)).contains(c);
        }
        assertThat(holder(a, b)).isEqualTo(a);
        assertThat(holder(b, a)).isEqualTo(a);
    }

    @Test
    void aTieOfTheSameSecondGoesToTheSmallerRecordId() {
        HandleRegistration a = rec(ALICE, 100, 1000);
        HandleRegistration b = rec(BOB, 100, 1000);
        HandleRegistration smaller = a.id().compareTo(b.id()) < 0 ? a : b;
        assertThat(holder(a, b)).isEqualTo(smaller);
        assertThat(holder(b, a)).isEqualTo(smaller);
    }

    @Test
    void anExpiredOrRevokedHolderFreesTheLabelForLaterRegistrationsOnly() {
        HandleRegistration a = rec(ALICE, 100, 200);
        HandleRegistration early = rec(BOB, 150, 1000);
        HandleRegistration late = rec(BOB, 200, 1000);
        assertThat(holder(a, early)).isEqualTo(a);
        assertThat(holder(a, late)).isEqualTo(late);
        HandleRegistration revoke = rec(ALICE, 120, 200, true, 4);
        assertThat(holder(a, revoke, early)).isEqualTo(early);
        assertThat(holder(a, revoke)).isEqualTo(revoke);
        assertThat(HandleNamespace.status(revoke, 130)).isEqualTo(Status.REVOKED);
    }

    @Test
    void theHoldersOwnerRenewsAndRepointsOthersDoNot() {
        HandleRegistration a = rec(ALICE, 100, 200);
        HandleRegistration renewal = rec(ALICE, 190, 5000, false, 2);
        HandleRegistration bob = rec(BOB, 210, 9000);
        assertThat(holder(a, renewal, bob)).isEqualTo(renewal);
        assertThat(holder(a, bob)).isEqualTo(bob);
    }

    @Test
    void aRevocationOfAFreeLabelTakesNothing() {
        assertThat(holder(rec(ALICE, 100, 200, true, 4))).isNull();
        assertThat(holder(rec(ALICE, 100, 200, true, 4), rec(BOB, 150, 900))).isEqualTo(rec(BOB, 150, 900));
    }

    @Test
    void statusFollowsTheClock() {
        HandleRegistration a = rec(ALICE, 1000, 100_000);
        assertThat(HandleNamespace.status(a, 990)).isEqualTo(Status.PENDING);
        assertThat(HandleNamespace.status(a, 1000 + HandleNamespace.SETTLE_SECONDS - 1)).isEqualTo(Status.PENDING);
        assertThat(HandleNamespace.status(a, 1000 + HandleNamespace.SETTLE_SECONDS)).isEqualTo(Status.ACTIVE);
        assertThat(HandleNamespace.status(a, 100_000)).isEqualTo(Status.EXPIRED);
        assertThat(HandleNamespace.resolve("www", List.of(), 0).orElseThrow().status()).isEqualTo(Status.RESERVED);
        assertThat(HandleNamespace.resolve("site", List.of(), 0)).isEmpty();
        assertThat(HandleNamespace.resolve("site", List.of(a), 5000).orElseThrow().record()).contains(a);
    }
}
