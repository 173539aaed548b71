package net.dig.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's training run does the work it is meant to profile, and fails loudly when a command does. */
class AotTrainingTest {
    @Test
    void everyTrainingCommandSucceedsAndLeavesTwoVerifiedDatastores(@TempDir Path dir) throws Exception {
        StringWriter err = new StringWriter();
        assertEquals(ExitCodes.OK, AotTraining.train(dir, new PrintWriter(err, true)), err.toString());
        Path home = dir.resolve("home");
        try (Stream<Path> plots = Files.list(home.resolve("plots"))) {
            assertTrue(plots.anyMatch(p -> p.toString().endsWith(".plot")), "a plot was written");
        }
        StringWriter out = new StringWriter();
        assertEquals(ExitCodes.OK, Main.run(new String[] {"--data-dir", home.toString(), "datastore", "list", "--json"},
                Map.of(), new PrintWriter(out, true), new PrintWriter(Writer.nullWriter())));
        assertEquals(2, new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString()).size(), out.toString());
    }

    @Test
    void aFailingCommandStopsTheRunWithItsExitCode(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("home"), "a file where the home directory should be");
        StringWriter err = new StringWriter();
        int code = AotTraining.train(dir, new PrintWriter(err, true));
        assertTrue(code != ExitCodes.OK, "exit code " + code);
        assertTrue(err.toString().contains("AotTraining: '--data-dir"), err.toString());
    }
}
