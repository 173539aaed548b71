package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.Test;

/** Label validation and the other rules of a registration, each with its typed error. */
class HandleRegistrationTest {
    private static final Bytes32 A = Bytes32.fromHex("11".repeat(32));

    private static HandleRegistration reg(String label, int tier, long at, long until) {
        return new HandleRegistration(label, A, Optional.empty(), tier, at, until, false, new TreeMap<>());
    }

    private static String code(Runnable r) {
        try {
            r.run();
            return "accepted";
        } catch (ServiceException e) {
            return e.jsonCode();
        }
    }

    @Test
    void labelsAreLowerCaseRfc1123LabelsOf1To63Characters() {
        for (String ok : new String[] {"a", "7", "ab", "my-data", "a1b", "x--y", "x".repeat(63)}) {
            HandleRegistration.checkHandle(ok);
            assertThat(code(() -> reg(ok, 4, 10, 20))).as(ok).isEqualTo("accepted");
        }
        for (String bad : new String[] {"", "-abc", "abc-", "ABC", "Abc", "a_b", "a.b", "a b", "x".repeat(64), "ä12", "a\u0000"}) {
            assertThat(code(() -> HandleRegistration.checkHandle(bad))).as(bad).isEqualTo("bad_handle");
            assertThat(code(() -> reg(bad, 4, 10, 20))).as(bad).isEqualTo("bad_handle");
        }
        assertThat(code(() -> HandleRegistration.checkHandle(null))).isEqualTo("bad_handle");
    }

    @Test
    void reservedWordsAreRefusedWithTheirOwnCode() {
        for (String reserved : new String[] {"www", "admin", "api", "localhost", "dig"}) {
            HandleRegistration.checkHandle(reserved); // well-formed
            assertThat(code(() -> reg(reserved, 4, 10, 20))).as(reserved).isEqualTo("reserved_handle");
        }
    }

    @Test
    void tierTermAndMetadataHaveTheirCodes() {
        assertThat(code(() -> reg("abc", 0, 10, 20))).isEqualTo("bad_tier");
        assertThat(code(() -> reg("abc", 7, 10, 20))).isEqualTo("bad_tier");
        assertThat(code(() -> reg("abc", 4, 10, 10))).isEqualTo("bad_registration_time");
        assertThat(code(() -> reg("abc", 4, -1, 10))).isEqualTo("bad_registration_time");
        assertThat(code(() -> reg("abc", 4, 10, 11 + NodePayload.HandleRegistration.MAX_TERM_SECONDS))).isEqualTo("bad_registration_time");
        TreeMap<String, String> md = new TreeMap<>();
        md.put("Bad Key", "v");
        assertThat(code(() -> new HandleRegistration("abc", A, Optional.empty(), 4, 10, 20, false, md))).isEqualTo("bad_metadata");
    }

    @Test
    void signingBytesAreTheNetworkRecordsBytes() {
        HandleRegistration r = new HandleRegistration("abc", A, Optional.of(A), 2, 10, 20, true, new TreeMap<>());
        NodePayload.HandleRegistration sealed = r.sealed(new byte[32], new byte[32], new byte[64]);
        assertThat(r.signingBytes()).isEqualTo(sealed.signingBytes()).startsWith('D', 'I', 'G', 'H', 2);
    }
}
