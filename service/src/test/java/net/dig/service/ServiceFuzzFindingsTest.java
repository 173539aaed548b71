package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Regressions for what {@link ServiceFuzzTest} found, each as a plain unit test (docs/fuzzing.md). */
class ServiceFuzzFindingsTest {
    /** U+0663, ARABIC-INDIC DIGIT THREE: {@link Character#digit} reads it as 3, the hex parser behind it does not. */
    private static final String NON_ASCII_DIGITS = "\u0663".repeat(64);

    @Test
    void aDatastoreIdOfNonAsciiDigitsIsABadDatastoreIdNotAnIllegalArgument() {
        assertThatThrownBy(() -> Fields.datastoreId(NON_ASCII_DIGITS, "datastore_id")).isInstanceOf(ServiceException.class)
                .satisfies(e -> assertThat(((ServiceException) e).code()).isEqualTo(ErrorCode.BAD_DATASTORE_ID));
    }

    @Test
    void hexBytesRefuseNonAsciiDigitsInsteadOfReadingThemAsHex() {
        assertThatThrownBy(() -> Fields.hexBytes("\uff10\uff11", 1, "owner")).isInstanceOf(ServiceException.class)
                .hasMessageContaining("not hexadecimal");
        assertThat(Fields.hexBytes("0aFf", 2, "owner")).containsExactly(0x0a, 0xff);
    }

    @Test
    void aManifestWhoseIdIsNonAsciiDigitsIsRefusedWithATypedError() throws IOException {
        String json;
        try (InputStream in = ServiceFuzzFindingsTest.class.getResourceAsStream("/vectors/manifest-v1.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String id = json.replaceAll("(?s).*\"datastore_id\"\\s*:\\s*\"(0x)?([0-9a-f]{64})\".*", "$2");
        assertThat(id).hasSize(64);
        assertThatThrownBy(() -> ManifestCodec.decode(json.replace(id, NON_ASCII_DIGITS))).isInstanceOf(ServiceException.class)
                .satisfies(e -> assertThat(((ServiceException) e).code().httpStatus()).isEqualTo(400));
    }

    @Test
    void aPercentEscapeOfNonAsciiDigitsIsAnUnsafePath() {
        assertThatThrownBy(() -> FilePaths.fromUrl("a%\u0662\u0665b")).isInstanceOf(ServiceException.class)
                .satisfies(e -> assertThat(((ServiceException) e).code()).isEqualTo(ErrorCode.BAD_PATH));
        assertThat(FilePaths.fromUrl("a%25b")).isEqualTo("a%b");
    }
}
