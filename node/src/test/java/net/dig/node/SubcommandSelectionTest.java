package net.dig.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code Main} registers only the subcommand the arguments name; everything else sees the whole tree. */
class SubcommandSelectionTest {
    private static Set<String> registered(String... args) {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        CommandLine cl = DigNodeCommand.commandLine(Map.of(), none, none, args);
        return cl.getSubcommands().keySet();
    }

    @Test
    void aNamedCommandIsRegisteredAlone() {
        assertEquals(Set.of("plot"), registered("plot", "verify"));
        assertEquals(Set.of("plot"), registered("--data-dir", "/tmp/x", "plot", "list"));
    }

    @Test
    void anOptionValueThatLooksLikeACommandIsNotTakenForOne() {
        assertEquals(Set.of("status"), registered("--data-dir", "plot", "status"));
        assertEquals(Set.of("status"), registered("--set", "init=1", "--log-level", "start", "status", "--json"));
    }

    @Test
    void helpNoCommandAndUnknownWordsGetTheWholeTree() {
        Set<String> all = DigNodeCommand.commandLine(Map.of(), new PrintWriter(Writer.nullWriter()),
                new PrintWriter(Writer.nullWriter())).getSubcommands().keySet();
        assertTrue(all.containsAll(Set.of("init", "start", "datastore", "plot", "status", "help")), all.toString());
        assertEquals(all, registered());
        assertEquals(all, registered("--help"));
        assertEquals(all, registered("help", "plot"));
        assertEquals(all, registered("plto", "list"));
    }

    @Test
    void anUnknownCommandStillGetsTheSuggestion() {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"plto"}, Map.of(), new PrintWriter(Writer.nullWriter()), new PrintWriter(err, true));
        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("plot"), err.toString());
    }
}
