package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandleTableTest {
    @TempDir
    Path dir;

    private static final Bytes32 A = Bytes32.fromHex("11".repeat(32));
    private static final Bytes32 B = Bytes32.fromHex("22".repeat(32));

    @Test
    void firstRegistrationWinsAndSurvivesReopen() {
        try (HandleTable t = new HandleTable(dir.resolve("handles.sqlite"))) {
            var first = t.registerIfAbsent(new HandleTable.Entry("mydata", A, 4, 1000, new TreeMap<>(), new byte[64]));
            var second = t.registerIfAbsent(new HandleTable.Entry("mydata", B, 2, 2000, new TreeMap<>(), new byte[64]));
            assertThat(first.datastoreId()).isEqualTo(A);
            assertThat(second.datastoreId()).isEqualTo(A);
            assertThat(second.registrationTimeMillis()).isEqualTo(1000);
        }
        try (HandleTable t = new HandleTable(dir.resolve("handles.sqlite"))) {
            assertThat(t.find("mydata").orElseThrow().tier()).isEqualTo(4);
            assertThat(t.find("other")).isEmpty();
            assertThat(t.count()).isEqualTo(1);
        }
    }

    @Test
    void handleRulesAreEnforced() {
        for (String ok : new String[] {"abc", "my-data", "a1b", "x".repeat(63)}) {
            HandleRegistration.checkHandle(ok);
        }
        for (String bad : new String[] {"ab", "-abc", "abc-", "ABC", "a_b", "a.b", "x".repeat(64), "ä12", ""}) {
            assertThatThrownBy(() -> HandleRegistration.checkHandle(bad)).as(bad)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("bad_handle"));
        }
        assertThatThrownBy(() -> new HandleRegistration("abc", A, 7, new TreeMap<>()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("bad_tier"));
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
