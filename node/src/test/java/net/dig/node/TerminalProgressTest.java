package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
    @Test
    void theBarShowsTaskPercentBytesRateAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        progress.begin("ingest photos", 3L << 20);
        progress.advance(1L << 20);
        progress.advance(2L << 20);
        progress.end();
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertThat(drawn).contains("ingest photos").contains("100%").contains("3/3 MiB").contains("MiB/s");
        assertThat(drawn).containsPattern("\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\)"); // elapsed / ETA
    }
}
