package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
}
