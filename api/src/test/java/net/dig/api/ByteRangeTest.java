package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.dig.service.ServiceException;
import org.junit.jupiter.api.Test;

class ByteRangeTest {
    @Test
    void parsesTheThreeSingleRangeForms() {
        assertThat(ByteRange.parse("bytes=0-99", 1000)).contains(new ByteRange(0, 99, 1000));
        assertThat(ByteRange.parse("bytes=900-", 1000)).contains(new ByteRange(900, 999, 1000));
        assertThat(ByteRange.parse("bytes=-10", 1000)).contains(new ByteRange(990, 999, 1000));
        assertThat(ByteRange.parse("bytes=-5000", 1000)).contains(new ByteRange(0, 999, 1000));
        assertThat(ByteRange.parse("bytes=10-5000", 1000)).contains(new ByteRange(10, 999, 1000));
        assertThat(ByteRange.parse("bytes=10-5000", 1000).orElseThrow().contentRange()).isEqualTo("bytes 10-999/1000");
    }

    @Test
    void absentForeignOrMultiRangesServeTheWholeBody() {
        assertThat(ByteRange.parse(null, 10)).isEmpty();
        assertThat(ByteRange.parse("items=0-1", 10)).isEmpty();
        assertThat(ByteRange.parse("bytes=0-1,4-5", 10)).isEmpty();
        // last < first is an invalid range-spec: ignored, the whole body is served (RFC 9110 §14.1.1, §14.2)
        assertThat(ByteRange.parse("bytes=5-2", 10)).isEmpty();
        assertThat(ByteRange.parse("bytes=5-1", 1000)).isEmpty();
    }

    @Test
    void unsatisfiableRangesAre416() {
        assertThatThrownBy(() -> ByteRange.parse("bytes=1000-", 1000))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code().httpStatus()).isEqualTo(416));
        assertThatThrownBy(() -> ByteRange.parse("bytes=-0", 1000))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code().httpStatus()).isEqualTo(416));
        assertThatThrownBy(() -> ByteRange.parse("bytes=0-", 0))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code().httpStatus()).isEqualTo(416));
    }

    @Test
    void malformedRangesAre400() {
        for (String h : new String[] {"bytes=", "bytes=a-b", "bytes=--1", "bytes=99999999999999999999-"}) {
            assertThatThrownBy(() -> ByteRange.parse(h, 1000)).as(h)
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.jsonCode()).isEqualTo("bad_range"));
        }
    }
}
