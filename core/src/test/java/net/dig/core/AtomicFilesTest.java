package net.dig.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import net.dig.core.AtomicFiles.Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replaceSwapsTheWholeContentAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("peers.dat");
        AtomicFiles.write(target, bytes("old"), Publish.REPLACE);
        AtomicFiles.write(target, bytes("new content"), Publish.REPLACE);

        assertThat(Files.readString(target)).isEqualTo("new content");
        assertThat(entries()).containsExactly(target);
    }

    @Test
    void createNewNeverReplacesAnExistingFile() throws IOException {
        Path target = dir.resolve("node.key");
        AtomicFiles.write(target, bytes("first"), Publish.CREATE_NEW);

        assertThatThrownBy(() -> AtomicFiles.write(target, bytes("second"), Publish.CREATE_NEW))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(target)).isEqualTo("first");
        assertThat(entries()).containsExactly(target);
    }

    @Test
    void permissionsAreSetBeforeAnyByteIsWritten() throws IOException {
        Path target = dir.resolve("secret");
        AtomicFiles.write(target, bytes("k"), Publish.CREATE_NEW, "rw-------");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
    }

    @Test
    void aStreamedTemporaryIsCommittedUnderItsFinalName() throws IOException {
        Path target = dir.resolve("a.plot");
        Path tmp = AtomicFiles.createTemporary(target, null);
        Files.write(tmp, bytes("plot bytes"));

        assertThat(AtomicFiles.isTemporary(tmp)).isTrue();
        assertThat(AtomicFiles.isTemporary(target)).isFalse();
        AtomicFiles.commit(tmp, target, Publish.CREATE_NEW);
        assertThat(Files.readString(target)).isEqualTo("plot bytes");
        assertThat(entries()).containsExactly(target);
    }

    @Test
    void aFailedCommitStillRemovesTheTemporaryName() throws IOException {
        Path target = dir.resolve("a.plot");
        Files.write(target, bytes("existing"));
        Path tmp = AtomicFiles.createTemporary(target, null);

        assertThatThrownBy(() -> AtomicFiles.commit(tmp, target, Publish.CREATE_NEW))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(entries()).containsExactly(target);
        assertThat(Files.readString(target)).isEqualTo("existing");
    }

    @Test
    void missingDirectoriesAreCreated() throws IOException {
        Path target = dir.resolve("a/b/c.json");
        AtomicFiles.write(target, bytes("{}"), Publish.REPLACE);
        assertThat(Files.readString(target)).isEqualTo("{}");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private java.util.List<Path> entries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
