package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.core.NodeIdentity;
import net.dig.service.ProofService;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may challenge the node, and that the challenge limit is spent before any body is read. */
class ChallengeAdmissionTest {
    private static String challenge(String id, Bytes32 hash, NodeIdentity validator, boolean withKey) {
        byte[] sig = validator.sign(ProofService.challengeSigningBytes(id, hash, "physical_access"));
        JsonObject j = new JsonObject().put("challenge_id", id).put("capsule_hash", hash.toHex())
                .put("challenge_type", "physical_access").put("validator_signature", Hex.encode(sig));
        return (withKey ? j.put("validator_public_key", Hex.encode(validator.publicKey())) : j).encode();
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo(code);
    }

    @Test
    void onlyAllowListedValidatorsWithAVerifyingSignatureAreAnswered(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            Bytes32 hash = f.tiny.capsules().getFirst().hash();
            assertError(f.postJson("/validation/challenge", challenge("k1", hash, ApiFixture.VALIDATOR, false), false),
                    401, "validator_key_required");
            NodeIdentity stranger = NodeIdentity.fromSeed(ApiFixture.seed(9));
            assertError(f.postJson("/validation/challenge", challenge("k2", hash, stranger, true), false),
                    403, "validator_not_allowed");
            assertThat(f.postJson("/validation/challenge", challenge("k3", hash, ApiFixture.VALIDATOR, true), false)
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anEmptyAllowListRefusesEveryChallenge(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c.toBuilder().validatorKeys(Set.of()).build())) {
            Bytes32 hash = f.tiny.capsules().getFirst().hash();
            HttpResponse<String> r = f.postJson("/validation/challenge", challenge("k1", hash, ApiFixture.VALIDATOR, true), false);
            assertError(r, 403, "validator_not_allowed");
            assertThat(r.body()).contains("validatorKeys");
        }
    }

    @Test
    void theChallengeLimitIsSpentBeforeTheBodyIsBuffered(@TempDir Path tmp) throws Exception {
        ManualClock clock = new ManualClock();
        try (ApiFixture f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c.toBuilder().rateLimits(
                RateLimit.unlimited(), new RateLimit(1, Duration.ofMinutes(1)), RateLimit.unlimited()).build())) {
            assertError(f.postJson("/validation/challenge", "{}", false), 400, "missing_field");
            // over the JSON body limit: had the body been buffered first, this would be 413
            String huge = "{\"challenge_id\":\"" + "x".repeat(100_000) + "\"}";
            HttpResponse<String> r = f.postJson("/validation/challenge", huge, false);
            assertError(r, 429, "rate_limited");
            assertThat(r.headers().firstValue("Retry-After")).hasValue("60");
        }
    }
}
