package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;

class HandleRegistrationTest {
    private static final Bytes32 A = Bytes32.fromHex("11".repeat(32));

    @Test
    void handleRulesAreEnforced() {
        for (String ok : new String[] {"abc", "my-data", "a1b", "x".repeat(63)}) {
            HandleRegistration.checkHandle(ok);
        }
        for (String bad : new String[] {"ab", "-abc", "abc-", "ABC", "a_b", "a.b", "x".repeat(64), "ä12", ""}) {
            assertThatThrownBy(() -> HandleRegistration.checkHandle(bad)).as(bad)
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.jsonCode()).isEqualTo("bad_handle"));
        }
        assertThatThrownBy(() -> new HandleRegistration("abc", A, 7, new TreeMap<>()))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.jsonCode()).isEqualTo("bad_tier"));
    }

    @Test
    void signingBytesMatchTheGoldenVector() throws Exception {
        TreeMap<String, String> md = new TreeMap<>();
        md.put("title", "My data");
        md.put("lang", "en");
        byte[] got = new HandleRegistration("mydata", A, 4, md).signingBytes();
        String golden = Files.readString(Path.of("src/test/resources/vectors/handle-registration-v1.hex")).strip();
        assertThat(HexFormat.of().formatHex(got)).isEqualTo(golden);
    }
}
