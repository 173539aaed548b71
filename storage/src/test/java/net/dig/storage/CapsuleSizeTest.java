package net.dig.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CapsuleSize}: the one list of capsule sizes, and its text forms. */
class CapsuleSizeTest {
    @Test
    void theFourSizeClassesInOrder() {
        assertThat(CapsuleSize.allBytes()).containsExactly(262_144, 1_048_576, 4_194_304, 16_777_216);
        assertThat(IngestOptions.CAPSULE_SIZES).isEqualTo(CapsuleSize.allBytes());
        assertThat(IngestOptions.DEFAULT_CAPSULE_SIZE).isEqualTo(CapsuleSize.MIB_16.bytes());
        assertThat(CapsuleSize.DEFAULT).isEqualTo(CapsuleSize.MIB_16);
    }

    @Test
    void parsesLabelsAndByteCounts() {
        for (CapsuleSize s : CapsuleSize.values()) {
            assertThat(CapsuleSize.parse(s.label())).isEqualTo(s);
            assertThat(CapsuleSize.parse(s.label().toUpperCase())).isEqualTo(s);
            assertThat(CapsuleSize.parse(Integer.toString(s.bytes()))).isEqualTo(s);
            assertThat(CapsuleSize.ofBytes(s.bytes())).isEqualTo(s);
            assertThat(s).hasToString(s.label());
        }
        assertThat(CapsuleSize.parse(" 256 KiB ")).isEqualTo(CapsuleSize.KIB_256);
        assertThat(List.of("1mib", "4MiB", "16mib")).extracting(CapsuleSize::parse)
                .containsExactly(CapsuleSize.MIB_1, CapsuleSize.MIB_4, CapsuleSize.MIB_16);
    }

    @Test
    void refusesAnythingElseNamingTheChoices() {
        for (String bad : List.of("", "2MiB", "256KB", "1000", "-262144", "99999999999999", "MiB")) {
            assertThatThrownBy(() -> CapsuleSize.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("262144 (256 KiB), 1048576 (1 MiB), 4194304 (4 MiB), 16777216 (16 MiB)");
        }
        assertThatThrownBy(() -> CapsuleSize.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IngestOptions(1000, Compression.NONE, null))
                .hasMessage("capsule size 1000 is not one of 262144 (256 KiB), 1048576 (1 MiB), 4194304 (4 MiB), 16777216 (16 MiB)");
    }
}
