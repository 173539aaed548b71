package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every metric docs/api.md names for the API and the services is on {@code /metrics}, bound by their binders. */
class MetricsNamesTest {
    @Test
    void everyDocumentedNameIsScraped(@TempDir Path tmp) throws Exception {
        String doc = Files.readString(Path.of("../docs/api.md"));
        int from = doc.indexOf("Seed names where they apply:");
        String section = doc.substring(from, doc.indexOf("Gossip (", from));
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("`([a-z_]+)(\\{[^}]*})?`").matcher(section);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).contains("bandwidth_in_bytes_total", "storage_bytes_used_bytes", "validation_challenges_total")
                .hasSizeGreaterThanOrEqualTo(12);
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            assertThat(f.get("/datastore/" + f.tiny.datastoreId().toHex() + "/manifest").statusCode()).isEqualTo(200);
            HttpResponse<String> scrape = f.getText(f.metrics("/metrics"));
            assertThat(scrape.statusCode()).isEqualTo(200);
            for (String name : names) {
                assertThat(scrape.body()).as(name).containsPattern("(?m)^" + Pattern.quote(name) + "[{ _]");
            }
        }
    }
}
