package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import net.dig.service.ServiceException;

/** A fuzzed {@code Range} header: no range, a range inside the body, or a 4xx {@link ServiceException}. */
class ByteRangeFuzzTest {
    @FuzzTest
    void rangeHeader(FuzzedDataProvider data) {
        long total = data.consumeLong(0, Long.MAX_VALUE);
        String header = data.consumeRemainingAsString();
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(header, total);
        } catch (ServiceException e) {
            assertThat(e.code().httpStatus()).isIn(400, 416);
            return;
        }
        range.ifPresent(r -> {
            assertThat(r.first()).isBetween(0L, r.last());
            assertThat(r.last()).isLessThan(total);
        });
    }
}
