package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WireLimitsTest {
    @Test
    void aCopyChangesOneCapAndIsValidatedLikeANewRecord() {
        assertThat(WireLimits.builder().build()).isEqualTo(WireLimits.DEFAULT);
        assertThat(WireLimits.DEFAULT.toBuilder().maxListCount(5).build())
                .isEqualTo(new WireLimits(WireLimits.DEFAULT.maxMessageData(), WireLimits.DEFAULT.maxBytesLength(),
                        WireLimits.DEFAULT.maxStringLength(), 5));
        assertThatThrownBy(() -> WireLimits.DEFAULT.toBuilder().maxStringLength(-1).build()).hasMessageContaining("maxStringLength");
    }
}
