package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.service.ErrorCode;
import net.dig.service.NodeServices;
import net.dig.service.ServiceException;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.CapsuleSize;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageErrorCode;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code datastore add --capsule-size} accepts exactly the classes of {@link CapsuleSize}, and says which
 * they are; the storage commands reach stored state through the service layer, never the engine.
 */
class DatastoreCommandTest {
    private static final String REFUSAL = "--capsule-size must be one of 256KiB, 1MiB, 4MiB, 16MiB, got '";

    @TempDir
    Path tmp;

    @Test
    void theStorageCommandsGoThroughTheServiceLayer() {
        JavaClasses node = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("net.dig.node");
        noClasses().that().haveNameMatching("net\\.dig\\.node\\.(Datastore|Plot|Index)Command(\\$.*)?")
                .should().dependOnClassesThat().haveFullyQualifiedName(StorageEngine.class.getName())
                .because("a command changes stored state as the HTTP API does: through DatastoreService, its"
                        + " failures mapped by ErrorCode")
                .check(node);
    }

    @Test
    void anUnknownDatastoreIsTheServicesRowExit2() {
        CliRun cli = new CliRun(tmp.resolve("home"), Map.of());
        assertThat(cli.run("init").code()).isZero();
        String unknown = "0x" + "cd".repeat(32);
        CliRun.Result r = cli.run("datastore", "show", unknown);
        assertThat(r.code()).isEqualTo(ErrorCode.UNKNOWN_DATASTORE.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("dig-node: unknown datastore " + unknown);
    }

    @Test
    void anIngestFailureIsTypedByTheServiceAndExitsWithItsRow() throws Exception {
        NodeIdentity node = NodeIdentity.fromSeed(new byte[32]);
        try (StorageEngine engine = StorageEngine.open(new StorageConfig(tmp.resolve("d"), List.of(tmp.resolve("p")),
                tmp.resolve("c")), new ManualClock(), node, new SplittableRandom(1));
             NodeServices services = NodeServices.open(engine, node, new ManualClock(),
                     new NodeServices.Settings(0, tmp.resolve("l2"), 0, tmp.resolve("h.sqlite")))) {
            Throwable missing = catchThrowable(() -> services.datastores().ingest(tmp.resolve("missing"),
                    IngestOptions.defaults(), node, Progress.none()));
            assertThat(missing).isInstanceOfSatisfying(ServiceException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.of(StorageErrorCode.IO)));
            assertThat(missing).hasMessageContaining("no such file or directory");
            assertThat(StorageErrors.exitCode(missing)).isEqualTo(ErrorCode.of(StorageErrorCode.IO).exitCode());
        }
    }

    @Test
    void everyLabelAndByteCountOfCapsuleSizeIsAccepted() {
        for (CapsuleSize size : CapsuleSize.values()) {
            for (String text : List.of(size.label(), size.label().toLowerCase(Locale.ROOT), size.label().toUpperCase(Locale.ROOT),
                    " " + size.label() + " ", Integer.toString(size.bytes()))) {
                assertThat(DatastoreCommand.Add.capsuleSize(text)).as(text).isEqualTo(size);
            }
            assertThat(new IngestOptions(size.bytes(), Compression.NONE, null).capsuleSize()).isEqualTo(size.bytes());
        }
    }

    @Test
    void aValueJustOffIsRefusedNamingTheLabels() {
        List<String> refused = new ArrayList<>(List.of("", "2MiB", "256KB", "32MiB", "0", "-262144", "16MiBx"));
        for (CapsuleSize size : CapsuleSize.values()) {
            refused.add(Integer.toString(size.bytes() - 1));
            refused.add(Integer.toString(size.bytes() + 1));
        }
        for (String text : refused) {
            assertThatThrownBy(() -> DatastoreCommand.Add.capsuleSize(text)).as(text)
                    .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
                    .hasMessage(REFUSAL + text + "'");
        }
    }

    @Test
    void theLargestClassBoundsACapsule() {
        int largest = CapsuleSize.values()[CapsuleSize.values().length - 1].bytes();
        Bytes32 h = Bytes32.fromHex("00".repeat(32));
        assertThat(new CapsuleInfo(0, h, largest, h).size()).isEqualTo(largest);
        assertThatThrownBy(() -> new CapsuleInfo(0, h, largest + 1L, h)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capsule size " + (largest + 1L) + " outside 0.." + largest);
    }

    @Test
    void theHelpListsTheLabelsAndTheDefault() {
        CliRun.Result help = new CliRun(tmp.resolve("home"), Map.of()).run("datastore", "add", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out().replaceAll("\\s+", " "))
                .contains("256KiB, 1MiB, 4MiB, 16MiB (default " + CapsuleSize.DEFAULT.label() + ")");
    }

    @Test
    void eachLabelIngestsAtItsSize() throws Exception {
        CliRun cli = new CliRun(tmp.resolve("home"), Map.of());
        assertThat(cli.run("init").code()).isZero();
        Path file = Files.writeString(tmp.resolve("f.txt"), "capsule sizes");
        ObjectMapper json = new ObjectMapper();
        for (CapsuleSize size : CapsuleSize.values()) {
            CliRun.Result r = cli.run("datastore", "add", file.toString(), "--capsule-size", size.label(), "--json",
                    "--compression", "none", "--name", size.label());
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode m = json.readTree(r.out());
            assertThat(m.get("capsule_size").asInt()).as(size.label()).isEqualTo(size.bytes());
        }
    }
}
