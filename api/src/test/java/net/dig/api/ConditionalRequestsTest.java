package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import net.dig.storage.Manifest;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** ETags per representation (identity vs zstd), {@code If-None-Match}, {@code If-Range}, invalid ranges. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConditionalRequestsTest {
    private ApiFixture f;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c);
    }

    @AfterAll
    void stop() {
        f.close();
    }

    private static String path(Manifest m, int i) {
        return "/capsule/" + m.datastoreId().toHex() + "/" + i;
    }

    private static String hashTag(Manifest m, int i) {
        return "\"" + m.capsules().get(i).hash().toHex().substring(2) + "\"";
    }

    private static String zstdTag(Manifest m, int i) {
        return "\"" + m.capsules().get(i).hash().toHex().substring(2) + "-zstd\"";
    }

    @Test
    void theZstdRepresentationHasItsOwnEtag() throws Exception {
        String p = path(f.zstd, 0);
        HttpResponse<byte[]> z = f.get(p, "Accept-Encoding", "zstd");
        assertThat(z.headers().firstValue("Content-Encoding")).hasValue("zstd");
        assertThat(z.headers().firstValue("ETag")).hasValue(zstdTag(f.zstd, 0));
        HttpResponse<byte[]> plain = f.get(p);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.headers().firstValue("ETag")).hasValue(hashTag(f.zstd, 0));
    }

    @Test
    void ifNoneMatchComparesWithTheRepresentationActuallySelected() throws Exception {
        String p = path(f.zstd, 0);
        assertThat(f.get(p, "Accept-Encoding", "zstd", "If-None-Match", zstdTag(f.zstd, 0)).statusCode()).isEqualTo(304);
        HttpResponse<byte[]> z = f.get(p, "Accept-Encoding", "zstd", "If-None-Match", hashTag(f.zstd, 0));
        assertThat(z.statusCode()).isEqualTo(200);
        assertThat(z.headers().firstValue("Content-Encoding")).hasValue("zstd");
        HttpResponse<byte[]> plain = f.get(p, "If-None-Match", zstdTag(f.zstd, 0));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo(f.storage.readCapsule(f.zstd.datastoreId(), 0));
        assertThat(f.get(p, "If-None-Match", hashTag(f.zstd, 0)).statusCode()).isEqualTo(304);
    }

    @Test
    void ifRangeHonoursTheRangeOnlyWhenTheEtagMatches() throws Exception {
        for (Manifest m : new Manifest[] {f.dir, f.zstd}) {
            String p = path(m, 0);
            byte[] all = f.storage.readCapsule(m.datastoreId(), 0);
            HttpResponse<byte[]> match = f.get(p, "Range", "bytes=0-9", "If-Range", hashTag(m, 0));
            assertThat(match.statusCode()).isEqualTo(206);
            assertThat(match.body()).isEqualTo(Arrays.copyOf(all, 10));
            for (String other : new String[] {"\"0123\"", "Wed, 21 Oct 2015 07:28:00 GMT", "W/" + hashTag(m, 0)}) {
                HttpResponse<byte[]> full = f.get(p, "Range", "bytes=0-9", "If-Range", other);
                assertThat(full.statusCode()).as(other).isEqualTo(200);
                assertThat(full.headers().firstValue("Content-Range")).isEmpty();
                assertThat(full.body()).isEqualTo(all);
            }
        }
    }

    @Test
    void anInvalidRangeIsIgnored() throws Exception {
        String p = path(f.dir, 0);
        HttpResponse<byte[]> r = f.get(p, "Range", "bytes=5-2");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Range")).isEmpty();
        assertThat(r.body()).isEqualTo(f.storage.readCapsule(f.dir.datastoreId(), 0));
    }
}
