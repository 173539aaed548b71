package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FilePathsTest {
    @Test
    void acceptsOrdinaryRelativePathsAndDecodesThem() {
        assertThat(FilePaths.fromUrl("index.html")).isEqualTo("index.html");
        assertThat(FilePaths.fromUrl("docs/a%20b.txt")).isEqualTo("docs/a b.txt");
        assertThat(FilePaths.fromUrl("caf%C3%A9/x")).isEqualTo("café/x");
        assertThat(FilePaths.fromUrl("..hidden/x..y")).isEqualTo("..hidden/x..y");
    }

    @Test
    void refusesEveryTraversalSpelling() {
        String[] bad = {"../etc/passwd", "a/../../b", "./a", "a/./b", "/etc/passwd", "a//b", "a/", "%2e%2e/x",
            "a/%2E%2E/b", "%2fetc/passwd", "a%2f..%2fb", "a\\..\\b", "a%5c..%5cb", "a%00b", "%", "a%zz", "%c0%ae%c0%ae/x",
            ""};
        for (String p : bad) {
            assertThatThrownBy(() -> FilePaths.fromUrl(p)).as(p)
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.jsonCode()).isEqualTo("bad_path"));
        }
    }
}
