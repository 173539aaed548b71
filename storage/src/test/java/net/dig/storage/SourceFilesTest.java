package net.dig.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source that changes under the ingest fails it with a message naming the file. */
class SourceFilesTest {
    @TempDir
    Path tmp;

    @Test
    void fileRemovedAfterScanIsNamed() throws IOException {
        Path dir = tmp.resolve("d");
        StorageTestSupport.write(dir.resolve("a.bin"), new byte[100]);
        Path b = StorageTestSupport.write(dir.resolve("b.bin"), new byte[200]);
        try (SourceFiles s = SourceFiles.scan(dir)) {
            Files.delete(b);
            assertThatThrownBy(() -> s.nextCapsule(300)).isInstanceOf(SourceFiles.SourceReadException.class)
                    .hasMessage("cannot read " + b + ": no such file");
        }
    }

    @Test
    void fileThatShrinksOrGrowsIsNamed() throws IOException {
        Path f = StorageTestSupport.write(tmp.resolve("f"), new byte[5000]);
        try (SourceFiles s = SourceFiles.scan(f)) {
            Files.write(f, new byte[10]);
            assertThatThrownBy(() -> s.nextCapsule(5000)).hasMessage("file " + f + " shrank while it was being read");
        }
        Files.write(f, new byte[5000]);
        try (SourceFiles s = SourceFiles.scan(f)) {
            assertThat(s.nextCapsule(5000)).hasSize(5000);
            Files.write(f, new byte[7], StandardOpenOption.APPEND);
            assertThatThrownBy(s::fileTable).hasMessage("file " + f + " changed size while it was being read");
        }
    }

    @Test
    void specialFilesAreRefusedAndSymlinksNotFollowed() throws IOException {
        assertThatThrownBy(() -> SourceFiles.scan(Path.of("/dev/null"))).isInstanceOf(StorageException.class)
                .hasMessage("cannot ingest /dev/null: not a regular file or directory");
        Path dir = tmp.resolve("d");
        StorageTestSupport.write(dir.resolve("real.txt"), new byte[3]);
        Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("real.txt"));
        try (SourceFiles s = SourceFiles.scan(dir)) {
            assertThat(s.items()).extracting(SourceFiles.Item::relative).containsExactly("real.txt");
        }
    }
}
