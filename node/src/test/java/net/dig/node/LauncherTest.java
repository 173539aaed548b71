package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./dig-node} launcher and {@code .mvn/find-jdk.sh}, run with fake JDKs. */
class LauncherTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isRegularFile(p.resolve("dig-node")) && Files.isDirectory(p.resolve(".mvn")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    private Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot().toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A directory that looks like a JDK of the given feature version to find-jdk.sh. */
    private Path fakeJdk(String name, int feature) throws IOException {
        Path home = tmp.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        for (String tool : List.of("java", "javac")) {
            Path f = home.resolve("bin").resolve(tool);
            Files.writeString(f, "#!/bin/sh\necho fake " + tool + " >&2\nexit 0\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + feature + ".0.1\"\n");
        return home;
    }

    @Test
    void withoutASuitableJdkTheLauncherSaysWhatToInstallAndExits2() throws Exception {
        Run r = run(List.of("bash", "./dig-node", "--version"),
                Map.of("JAVA_HOME", tmp.resolve("no-such-jdk").toString(), "DIG_MIN_JAVA", "99"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("dig-node: needs a JDK 99 or newer and found none in JAVA_HOME, PATH or /usr/lib/jvm; install one");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void findJdkPrefersAQualifyingJavaHome() throws Exception {
        Path fake = fakeJdk("jdk99", 99);
        Run r = run(List.of("bash", "-c", ". .mvn/find-jdk.sh && dig_find_jdk && echo \"$JAVA_HOME $DIG_JAVA_VERSION\""),
                Map.of("JAVA_HOME", fake.toString(), "DIG_MIN_JAVA", "99"));
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo(fake + " 99");
    }

    @Test
    void findJdkSkipsAnOldJavaHomeAndUsesTheOneOnPath() throws Exception {
        Path old = fakeJdk("jdk98", 98);
        Path onPath = fakeJdk("jdk100", 100);
        Run r = run(List.of("bash", "-c", ". .mvn/find-jdk.sh && dig_find_jdk && echo \"$JAVA_HOME\""),
                Map.of("JAVA_HOME", old.toString(), "DIG_MIN_JAVA", "99",
                        "PATH", onPath.resolve("bin") + ":" + System.getenv("PATH")));
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo(onPath.toString());
    }

    @Test
    void theBuildShowsOneLinePerModuleOffATerminalAndKeepsTheFullLog() throws Exception {
        Path log = tmp.resolve("build.log");
        String maven = String.join("\\n", "[INFO] Scanning for projects...",
                "[INFO] Building dig-core 0.1.0-SNAPSHOT                                         [1/2]",
                "[INFO] --- compiler:3.14.1:compile (default-compile) @ dig-core ---",
                "[INFO] Building dig-node 0.1.0-SNAPSHOT                                         [2/2]",
                "[INFO] BUILD SUCCESS");
        Run r = run(List.of("bash", "-c", ". .mvn/build-stages.sh && printf '" + maven + "\\n' | dig_build_stages 0 " + log),
                Map.of());
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEqualTo("dig-node: building dig-core [1/2]\ndig-node: building dig-node [2/2]\n");
        assertThat(Files.readAllLines(log)).hasSize(5).last().isEqualTo("[INFO] BUILD SUCCESS");

        Run onTty = run(List.of("bash", "-c", ". .mvn/build-stages.sh && printf '" + maven + "\\n' | dig_build_stages 1 " + log),
                Map.of());
        assertThat(onTty.err()).isEqualTo("\r\033[Kdig-node: building dig-core [1/2]\r\033[Kdig-node: building dig-node [2/2]\r\033[K");
    }
}
