package net.dig.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IngestOptionsTest {
    @Test
    void aCopyChangesOneOptionAndIsValidatedLikeANewRecord() {
        assertThat(IngestOptions.builder().build()).isEqualTo(IngestOptions.defaults());
        assertThat(IngestOptions.defaults().toBuilder().compression(Compression.NONE).name("docs").build())
                .isEqualTo(new IngestOptions(IngestOptions.DEFAULT_CAPSULE_SIZE, Compression.NONE, "docs"));
        assertThatThrownBy(() -> IngestOptions.builder().capsuleSize(1000).build()).hasMessageContaining("capsule size 1000");
        assertThatThrownBy(() -> IngestOptions.builder().name(" ").build()).hasMessageContaining("name");
    }
}
