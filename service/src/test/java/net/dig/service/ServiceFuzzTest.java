package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import net.dig.storage.Manifest;

/**
 * Fuzz targets for what dig-service parses from a client: the manifest JSON of a push
 * ({@link ManifestCodec#decode}) and a handle registration's fields ({@link HandleRegistration}). The
 * contract: a value, or a {@link ServiceException} whose {@link ErrorCode} maps it to a 4xx answer;
 * any other throwable, or a 5xx code, is a finding. A manifest that decodes also survives
 * encode-then-decode unchanged.
 */
class ServiceFuzzTest {
    @FuzzTest
    void manifestJson(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        ManifestCodec.Decoded d;
        try {
            d = ManifestCodec.decode(text);
        } catch (ServiceException e) {
            assertThat(e.code().httpStatus()).as(e.getMessage()).isBetween(400, 499);
            return;
        }
        Manifest m = new Manifest(d.version(), d.name(), d.capsules(), d.files());
        ManifestCodec.Decoded again = ManifestCodec.decode(ManifestCodec.encode(m));
        assertThat(new Manifest(again.version(), again.name(), again.capsules(), again.files())).isEqualTo(m);
    }

    @FuzzTest
    void handleRegistration(FuzzedDataProvider data) {
        String handle = data.consumeString(80);
        int tier = data.consumeInt();
        TreeMap<String, String> metadata = new TreeMap<>();
        int entries = data.consumeInt(0, 20);
        for (int i = 0; i < entries; i++) {
            metadata.put(data.consumeString(80), data.consumeString(300));
        }
        long registeredAt = data.consumeLong();
        long expiresAt = data.consumeLong();
        HandleRegistration r;
        try {
            r = new HandleRegistration(handle, Bytes32.ZERO, java.util.Optional.empty(), tier, registeredAt, expiresAt,
                    data.consumeBoolean(), metadata);
        } catch (ServiceException e) {
            assertThat(e.code().httpStatus()).as(e.getMessage()).isBetween(400, 499);
            return;
        }
        assertThat(r.signingBytes()).startsWith('D', 'I', 'G', 'H', 2);
    }
}
