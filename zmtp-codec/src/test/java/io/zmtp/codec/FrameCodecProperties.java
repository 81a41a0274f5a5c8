package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever the encoder writes, the decoder reads back the same frames, however the bytes are cut. */
class FrameCodecProperties {
    @Provide
    Arbitrary<List<byte[]>> messages() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 20)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(0, 254, 255, 256, 257, 1023, 1024, 1025)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 70_000)));
        Arbitrary<byte[]> frame = sizes.flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
        return frame.list().ofMinSize(1).ofMaxSize(20);
    }

    private static byte[] encode(List<List<byte[]>> messages) {
        EmbeddedChannel enc = new EmbeddedChannel(new FrameEncoder());
        for (List<byte[]> m : messages) {
            enc.write(ZmtpMessage.ofBytes(m.toArray(new byte[0][])));
        }
        enc.flush();
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        enc.finishAndReleaseAll();
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    private static List<List<byte[]>> decode(byte[] stream, long seed) {
        EmbeddedChannel dec = new EmbeddedChannel(new FrameDecoder(), new MessageAssembler());
        Random r = new Random(seed);
        int at = 0;
        while (at < stream.length) {
            int n = Math.min(stream.length - at, 1 + r.nextInt(r.nextBoolean() ? 8 : 4096));
            dec.writeInbound(Unpooled.wrappedBuffer(stream, at, n));
            at += n;
        }
        List<List<byte[]>> out = new ArrayList<>();
        ZmtpMessage m;
        while ((m = dec.readInbound()) != null) {
            List<byte[]> frames = new ArrayList<>();
            for (ByteBuf f : m.frames()) {
                frames.add(ByteBufUtil.getBytes(f));
            }
            m.release();
            out.add(frames);
        }
        assertThat(dec.finishAndReleaseAll()).isFalse();
        return out;
    }

    @Property(tries = 150)
    void multipartMessagesSurviveAnyCutOfTheStream(@ForAll("messages") List<byte[]> first,
                                                   @ForAll("messages") List<byte[]> second, @ForAll long seed) {
        List<List<byte[]>> sent = List.of(first, second);
        List<List<byte[]>> got = decode(encode(sent), seed);
        assertThat(got).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(got.get(i)).hasSize(sent.get(i).size());
            for (int j = 0; j < sent.get(i).size(); j++) {
                assertThat(got.get(i).get(j)).isEqualTo(sent.get(i).get(j));
            }
        }
    }

    @Property(tries = 200)
    void theLongFormIsUsedExactlyAbove255Bytes(@ForAll @IntRange(min = 0, max = 2000) int size) {
        byte[] stream = encode(List.of(List.of(new byte[size])));
        boolean isLong = (stream[0] & ZmtpFrame.FLAG_LONG) != 0;
        assertThat(isLong).isEqualTo(size > 255);
        assertThat(stream).hasSize(size + (size > 255 ? 9 : 2));
    }

    @Property(tries = 200)
    void commandFramesRoundTrip(@ForAll @IntRange(min = 1, max = 255) int nameLength,
                                @ForAll @IntRange(min = 0, max = 600) int dataLength, @ForAll long seed) {
        Random r = new Random(seed);
        byte[] body = new byte[1 + nameLength + dataLength];
        r.nextBytes(body);
        body[0] = (byte) nameLength;
        EmbeddedChannel enc = new EmbeddedChannel(new FrameEncoder());
        enc.writeAndFlush(ZmtpFrame.command(Unpooled.wrappedBuffer(body)));
        EmbeddedChannel dec = new EmbeddedChannel(new FrameDecoder());
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            dec.writeInbound(b);
        }
        ZmtpFrame f = dec.readInbound();
        assertThat(f.isCommand()).isTrue();
        assertThat(f.more()).isFalse();
        assertThat(ByteBufUtil.getBytes(f.content())).isEqualTo(body);
        f.release();
        enc.finishAndReleaseAll();
        dec.finishAndReleaseAll();
    }
}
