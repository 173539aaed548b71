package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import net.dig.gossip.PenaltyReason;
import net.dig.storage.StorageErrorCode;
import net.dig.storage.StorageException;
import org.junit.jupiter.api.Test;

/** The error table itself: every storage code has its row, and every row is one docs/api.md documents. */
class ErrorCodeTest {
    private record Row(int status, String json, int exit, Optional<PenaltyReason> penalty) {
    }

    @Test
    void everyStorageCodeMapsToItsRow() {
        Map<StorageErrorCode, Row> expected = new EnumMap<>(StorageErrorCode.class);
        expected.put(StorageErrorCode.STALE_VERSION, new Row(409, "stale_version", 1, Optional.empty()));
        expected.put(StorageErrorCode.OWNER_MISMATCH, new Row(422, "verification_failed", 1,
                Optional.of(PenaltyReason.INVALID_ATTESTATION)));
        expected.put(StorageErrorCode.VERIFICATION_FAILED, new Row(422, "verification_failed", 1,
                Optional.of(PenaltyReason.INVALID_BLOCK)));
        expected.put(StorageErrorCode.NO_SPACE, new Row(507, "insufficient_storage", 1, Optional.empty()));
        expected.put(StorageErrorCode.INDEX_BUSY, new Row(503, "index_busy", 1, Optional.empty()));
        expected.put(StorageErrorCode.QUARANTINED, new Row(503, "plot_unavailable", 1, Optional.empty()));
        expected.put(StorageErrorCode.NOT_FOUND, new Row(404, "unknown_datastore", 2, Optional.empty()));
        expected.put(StorageErrorCode.IO, new Row(503, "unavailable", 1, Optional.empty()));
        expected.put(StorageErrorCode.INDEX_CORRUPT, new Row(503, "index_corrupt", 4, Optional.empty()));
        assertThat(expected.keySet()).containsExactlyInAnyOrder(StorageErrorCode.values());
        for (var e : expected.entrySet()) {
            ServiceException s = ServiceException.of(new StorageException(e.getKey(), "m"));
            assertThat(new Row(s.code().httpStatus(), s.jsonCode(), s.code().exitCode(), s.code().penalty()))
                    .as(e.getKey().name()).isEqualTo(e.getValue());
            assertThat(s.getMessage()).isEqualTo("m");
        }
    }

    @Test
    void aBusyIndexAndFullLongTaskSlotsCarryRetryAfter() {
        assertThat(ServiceException.of(new StorageException(StorageErrorCode.INDEX_BUSY, "m")).retryAfterSeconds()).isEqualTo(1);
        assertThat(new ServiceException(ErrorCode.BUSY, "m").retryAfterSeconds()).isEqualTo(5);
        assertThat(ServiceException.retryAfter(ErrorCode.RATE_LIMITED, "m", 7).retryAfterSeconds()).isEqualTo(7);
        assertThat(new ServiceException(ErrorCode.UNAVAILABLE, "m").retryAfterSeconds()).isZero();
    }

    @Test
    void aMalformedHexFieldIsNamedInItsCode() {
        ServiceException e = ServiceException.badHex("owner", "owner is not hexadecimal");
        assertThat(e.jsonCode()).isEqualTo("bad_owner");
        assertThat(e.code().httpStatus()).isEqualTo(400);
        assertThat(e.code().exitCode()).isEqualTo(2);
    }

    @Test
    void exitCodesFollowWhoseFaultItIs() {
        for (ErrorCode c : ErrorCode.values()) {
            if (c == ErrorCode.INDEX_CORRUPT) {
                assertThat(c.exitCode()).as("the index needs a rebuild: its own exit code").isEqualTo(ErrorCode.Exit.INDEX_CORRUPT);
                continue;
            }
            assertThat(c.exitCode()).as(c.name()).isIn(ErrorCode.Exit.FAILED, ErrorCode.Exit.USAGE);
            if (c.httpStatus() >= 500) {
                assertThat(c.exitCode()).as(c.name()).isEqualTo(ErrorCode.Exit.FAILED);
                assertThat(c.penalty()).as("the node's own failure penalises no peer: " + c).isEmpty();
            }
            if (c.httpStatus() == 400) {
                assertThat(c.exitCode()).as(c.name()).isEqualTo(ErrorCode.Exit.USAGE);
                assertThat(c.penalty()).as(c.name()).contains(PenaltyReason.MALFORMED_MESSAGE);
            }
        }
    }

    @Test
    void everyCodeIsInTheDocumentedErrorTableUnderItsStatus() throws IOException {
        String doc = Files.readString(Path.of("../docs/api.md"));
        String table = doc.substring(doc.indexOf("## Errors"));
        for (ErrorCode c : ErrorCode.values()) {
            String code = c.jsonCode() == null ? "bad_<field>" : c.jsonCode();
            String row = table.lines().filter(l -> l.startsWith("| " + c.httpStatus() + " |")).findFirst().orElse("");
            assertThat(row).as("%s under %d in docs/api.md", code, c.httpStatus()).contains("`" + code + "`");
        }
    }
}
