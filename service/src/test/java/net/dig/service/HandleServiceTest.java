package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handle registration against a real engine: who may register, first wins, idempotent repeats. */
class HandleServiceTest {
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(filled(1));
    private static final NodeIdentity OWNER = NodeIdentity.fromSeed(filled(2));

    @TempDir
    Path tmp;

    @Test
    void theOwnerRegistersFirstWinsAndRepeatsAreIdempotent() throws Exception {
        ManualClock clock = new ManualClock(5_000);
        try (StorageEngine engine = StorageEngine.open(new StorageConfig(tmp.resolve("d"), List.of(tmp.resolve("p")),
                tmp.resolve("c")), clock, NODE, new SplittableRandom(1));
             NodeServices services = NodeServices.open(engine, NODE, clock,
                     new NodeServices.Settings(0, tmp.resolve("l2"), 0, tmp.resolve("h.sqlite")))) {
            Path src = Files.writeString(tmp.resolve("f.txt"), "hello");
            Manifest m = engine.ingest(src, new IngestOptions(262_144, Compression.NONE, "f"), OWNER, Progress.none());
            HandleService handles = services.handles();
            HandleRegistration reg = new HandleRegistration("my-site", m.datastoreId(), 4, new TreeMap<>());

            HandleTable.Entry e = handles.register(reg, OWNER.sign(reg.signingBytes()));
            assertThat(e.registrationTimeMillis()).isEqualTo(5_000);
            assertThat(handles.register(reg, OWNER.sign(reg.signingBytes())).datastoreId()).isEqualTo(m.datastoreId());
            assertThat(handles.resolve("my-site").tier()).isEqualTo(4);
            assertThat(handles.count()).isEqualTo(1);

            HandleRegistration other = new HandleRegistration("my-site", m.datastoreId(), 2, new TreeMap<>());
            assertThat(catchThrowableOfType(ServiceException.class,
                    () -> handles.register(other, OWNER.sign(other.signingBytes()))).code()).isEqualTo(ErrorCode.HANDLE_TAKEN);
            HandleRegistration fresh = new HandleRegistration("another", m.datastoreId(), 4, new TreeMap<>());
            assertThat(catchThrowableOfType(ServiceException.class,
                    () -> handles.register(fresh, NODE.sign(fresh.signingBytes()))).code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
            HandleRegistration nowhere = new HandleRegistration("nowhere", Bytes32.fromHex("ee".repeat(32)), 4, new TreeMap<>());
            assertThat(catchThrowableOfType(ServiceException.class,
                    () -> handles.register(nowhere, OWNER.sign(nowhere.signingBytes()))).code())
                    .isEqualTo(ErrorCode.UNKNOWN_DATASTORE);
            assertThat(catchThrowableOfType(ServiceException.class, () -> handles.resolve("another")).code())
                    .isEqualTo(ErrorCode.UNKNOWN_HANDLE);
            assertThat(catchThrowableOfType(ServiceException.class, () -> handles.resolve("A")).code())
                    .isEqualTo(ErrorCode.BAD_HANDLE);
            assertThat(handles.count()).isEqualTo(1);
        }
    }

    private static byte[] filled(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }
}
