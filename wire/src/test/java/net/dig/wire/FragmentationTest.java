package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.dig.testkit.ByteSlicing;
import org.junit.jupiter.api.Test;

/** Each golden frame fed to {@link MessageStreamDecoder} in every split yields exactly that frame. */
class FragmentationTest {
    private static final Map<String, byte[]> FRAMES = Vectors.load("frames.txt");

    private static List<Message> feedAll(List<byte[]> pieces) {
        MessageStreamDecoder decoder = new MessageStreamDecoder(WireLimits.DEFAULT);
        List<Message> out = new ArrayList<>();
        for (byte[] p : pieces) {
            out.addAll(decoder.feed(p));
        }
        assertThat(decoder.buffered()).isZero();
        return out;
    }

    @Test
    void everyTwoWaySplitOfEveryVector() {
        FRAMES.forEach((name, frame) -> {
            Message expected = Message.decode(frame, WireLimits.DEFAULT);
            for (List<byte[]> split : ByteSlicing.everyTwoWaySplit(frame)) {
                assertThat(feedAll(split)).as(name + " split at " + split.get(0).length).containsExactly(expected);
            }
        });
    }

    @Test
    void byteByByteAndSeededRandomMultiWaySplits() {
        SplittableRandom random = new SplittableRandom(20261120L);
        FRAMES.forEach((name, frame) -> {
            Message expected = Message.decode(frame, WireLimits.DEFAULT);
            assertThat(feedAll(ByteSlicing.byteByByte(frame))).as(name).containsExactly(expected);
            for (int round = 0; round < 20; round++) {
                List<byte[]> pieces = ByteSlicing.randomSplit(frame, 1 + random.nextInt(6), random);
                assertThat(ByteSlicing.join(pieces)).isEqualTo(frame);
                assertThat(feedAll(pieces)).as(name + " round " + round).containsExactly(expected);
            }
        });
    }

    @Test
    void allVectorsBackToBackInRandomPiecesComeOutInOrder() {
        List<byte[]> frames = new ArrayList<>(FRAMES.values());
        byte[] stream = ByteSlicing.join(frames);
        List<Message> expected = frames.stream().map(f -> Message.decode(f, WireLimits.DEFAULT)).toList();
        SplittableRandom random = new SplittableRandom(7L);
        for (int round = 0; round < 50; round++) {
            assertThat(feedAll(ByteSlicing.randomSplit(stream, 1 + random.nextInt(40), random)))
                    .containsExactlyElementsOf(expected);
        }
        assertThat(feedAll(List.of(stream))).containsExactlyElementsOf(expected);
    }
}
