package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.Cancel;
import io.zmtp.codec.command.Ping;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MESSAGE boxing in the frame encoder and unboxing in the decoder, byte by byte: inner flags,
 * nonces, the 3.0 subscription form, big frames, several boxes in one batch, and what the
 * decoder refuses.
 */
class CurveMessageCodecTest {
    private static final byte[] KEY = CryptoBox.beforenm(CurveKeyPair.generate().publicKey(), CurveKeyPair.generate().secretKey());
    private static final byte[] C = CurveCrypto.MESSAGE_FROM_CLIENT;

    /** A frame encoder that boxes from {@code firstNonce} on, as the handshake leaves it. */
    private static EmbeddedChannel encoder(long firstNonce, ZmtpVersion peer) {
        FrameEncoder encoder = new FrameEncoder();
        encoder.peerVersion(peer);
        encoder.boxWith(new CurveFrameBox(new MessageBox(KEY, C), firstNonce));
        return new EmbeddedChannel(encoder);
    }

    /** A frame decoder that opens boxes with nonces above {@code lastNonce}, as the handshake leaves it. */
    private static EmbeddedChannel decoder(long lastNonce) {
        FrameDecoder decoder = new FrameDecoder();
        decoder.unboxWith(new CurveFrameUnbox(new MessageBox(KEY, C), lastNonce));
        return new EmbeddedChannel(decoder);
    }

    /** One outer frame ([flags, body...]) back in wire form. */
    private static ByteBuf wireFrame(byte[] frame) {
        int length = frame.length - 1;
        ByteBuf b = Unpooled.buffer();
        if (length > 255) {
            b.writeByte((frame[0] & 0xff) | ZmtpFrame.FLAG_LONG).writeLong(length);
        } else {
            b.writeByte(frame[0] & ~ZmtpFrame.FLAG_LONG).writeByte(length);
        }
        return b.writeBytes(frame, 1, length);
    }

    /** Everything the encoder wrote since the last call, as one byte array. */
    private static byte[] wire(EmbeddedChannel ch) {
        ch.flush();
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        return Hex.drain(all);
    }

    /** Splits the wire into outer frames: [flags, body...] each. */
    private static List<byte[]> outerFrames(byte[] wire) {
        List<byte[]> frames = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(wire);
        while (in.hasRemaining()) {
            int flags = in.get() & 0xff;
            int length = (flags & ZmtpFrame.FLAG_LONG) != 0 ? (int) in.getLong() : in.get() & 0xff;
            byte[] frame = new byte[1 + length];
            frame[0] = (byte) flags;
            in.get(frame, 1, length);
            frames.add(frame);
        }
        return frames;
    }

    /** Opens one outer frame by hand with the one-off box: [flags, payload...]. */
    private static byte[] open(byte[] frame) throws Exception {
        assertThat(frame[0] & ~ZmtpFrame.FLAG_LONG).as("outer flags carry no MORE or COMMAND").isZero();
        assertThat(Arrays.copyOfRange(frame, 1, 9)).isEqualTo(Hex.bytes("07 'MESSAGE'"));
        long nonce = ByteBuffer.wrap(frame, 9, 8).getLong();
        return CryptoBox.open(KEY, CurveCrypto.shortNonce(C, nonce), Arrays.copyOfRange(frame, 17, frame.length));
    }

    private static long nonceOf(byte[] frame) {
        return ByteBuffer.wrap(frame, 9, 8).getLong();
    }

    @Test
    void multipartMessageBecomesOneMessagePerFrameWithInnerMoreInOneBatch() throws Exception {
        EmbeddedChannel enc = encoder(3, ZmtpVersion.V3_1);
        enc.write(ZmtpMessage.ofStrings("a", "", "c"));
        enc.write(ZmtpMessage.ofStrings("d"));
        enc.flush();
        assertThat(enc.outboundMessages()).as("four small boxes leave in one buffer").hasSize(1);
        List<byte[]> frames = outerFrames(wire(enc));
        assertThat(frames).hasSize(4);
        assertThat(open(frames.get(0))).isEqualTo(Hex.bytes("01 'a'"));
        assertThat(open(frames.get(1))).isEqualTo(Hex.bytes("01"));
        assertThat(open(frames.get(2))).isEqualTo(Hex.bytes("00 'c'"));
        assertThat(open(frames.get(3))).isEqualTo(Hex.bytes("00 'd'"));
        assertThat(frames.stream().map(CurveMessageCodecTest::nonceOf)).containsExactly(3L, 4L, 5L, 6L);
        enc.finishAndReleaseAll();
    }

    @Test
    void commandsCarryTheInnerCommandBit() throws Exception {
        EmbeddedChannel enc = encoder(2, ZmtpVersion.V3_1);
        enc.write(new Ping(0, new byte[0]));
        enc.write(new Subscribe("ab".getBytes()));
        enc.write(new Cancel("ab".getBytes()));
        enc.write(ZmtpFrame.command(Hex.buf("04 'PONG' 'x'")));
        List<byte[]> frames = outerFrames(wire(enc));
        assertThat(open(frames.get(0))).isEqualTo(Hex.bytes("02 04 'PING' 00 00"));
        assertThat(open(frames.get(1))).isEqualTo(Hex.bytes("02 09 'SUBSCRIBE' 'ab'"));
        assertThat(open(frames.get(2))).isEqualTo(Hex.bytes("02 06 'CANCEL' 'ab'"));
        assertThat(open(frames.get(3))).isEqualTo(Hex.bytes("02 04 'PONG' 'x'"));
        enc.finishAndReleaseAll();
    }

    @Test
    void subscriptionsToAZmtp30PeerAreDataFrames() throws Exception {
        EmbeddedChannel enc = encoder(2, ZmtpVersion.V3_0);
        enc.write(new Subscribe("ab".getBytes()));
        enc.write(new Cancel("ab".getBytes()));
        List<byte[]> frames = outerFrames(wire(enc));
        assertThat(open(frames.get(0))).isEqualTo(Hex.bytes("00 01 'ab'"));
        assertThat(open(frames.get(1))).isEqualTo(Hex.bytes("00 00 'ab'"));
        enc.finishAndReleaseAll();
    }

    @Test
    void aBoxedBatchFedByteByByteDecodesToTheSameFrames() {
        EmbeddedChannel enc = encoder(3, ZmtpVersion.V3_1);
        EmbeddedChannel dec = decoder(2);
        byte[] big = new byte[70 * 1024];
        Arrays.fill(big, (byte) 7);
        byte[] mid = new byte[250];
        Arrays.fill(mid, (byte) 9);
        enc.write(ZmtpMessage.ofBytes(new byte[0], "x".getBytes(), mid));
        enc.write(ZmtpMessage.ofBytes(big));
        enc.write(ZmtpFrame.command(Hex.buf("04 'PING' 00 00")));
        for (byte b : wire(enc)) {
            dec.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<ZmtpFrame> got = new ArrayList<>();
        ZmtpFrame f;
        while ((f = dec.readInbound()) != null) {
            got.add(f);
        }
        assertThat(got).hasSize(5);
        assertThat(got.stream().map(ZmtpFrame::more)).containsExactly(true, true, false, false, false);
        assertThat(got.stream().map(ZmtpFrame::isCommand)).containsExactly(false, false, false, false, true);
        assertThat(ByteBufUtil.getBytes(got.get(0).content())).isEmpty();
        assertThat(ByteBufUtil.getBytes(got.get(1).content())).isEqualTo("x".getBytes());
        assertThat(ByteBufUtil.getBytes(got.get(2).content())).isEqualTo(mid);
        assertThat(ByteBufUtil.getBytes(got.get(3).content())).isEqualTo(big);
        assertThat(ByteBufUtil.getBytes(got.get(4).content())).isEqualTo(Hex.bytes("04 'PING' 00 00"));
        got.forEach(ZmtpFrame::release);
        assertThat(dec.isOpen()).isTrue();
        enc.finishAndReleaseAll();
        dec.finishAndReleaseAll();
    }

    @Test
    void decoderRefusesANonceAtOrBelowTheLastAndReleasesTheFrame() {
        EmbeddedChannel enc = encoder(2, ZmtpVersion.V3_1);
        EmbeddedChannel dec = decoder(2);
        enc.write(ZmtpMessage.ofStrings("x"));
        byte[] frame = outerFrames(wire(enc)).get(0);
        ByteBuf replayed = wireFrame(frame);
        dec.pipeline().fireChannelRead(replayed);
        assertThatThrownBy(dec::checkException).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("nonce 2 is not above the last one seen (2)");
        assertThat((Object) dec.readInbound()).isNull();
        assertThat(replayed.refCnt()).isZero();
        assertThat(dec.isOpen()).isFalse();
        enc.finishAndReleaseAll();
        dec.finishAndReleaseAll();
    }

    @Test
    void theSameBoxTwiceIsRefusedTheSecondTime() {
        EmbeddedChannel enc = encoder(5, ZmtpVersion.V3_1);
        EmbeddedChannel dec = decoder(4);
        enc.write(ZmtpMessage.ofStrings("once"));
        byte[] wire = wire(enc);
        dec.writeInbound(Unpooled.wrappedBuffer(wire));
        ZmtpFrame first = dec.readInbound();
        assertThat(first.content().toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("once");
        first.release();
        dec.pipeline().fireChannelRead(Unpooled.wrappedBuffer(wire));
        assertThatThrownBy(dec::checkException).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("nonce 5 is not above the last one seen (5)");
        assertThat(dec.isOpen()).isFalse();
        enc.finishAndReleaseAll();
        dec.finishAndReleaseAll();
    }

    @Test
    void truncatedOrTamperedBoxesAreProtocolErrors() {
        EmbeddedChannel enc = encoder(3, ZmtpVersion.V3_1);
        enc.write(ZmtpMessage.ofStrings("payload"));
        byte[] frame = outerFrames(wire(enc)).get(0);
        enc.finishAndReleaseAll();

        byte[] tampered = frame.clone();
        tampered[tampered.length - 1] ^= 1;
        byte[] truncated = Arrays.copyOf(frame, 1 + CurveFrameUnbox.MIN_MESSAGE - 1);
        for (byte[] bad : List.of(tampered, truncated)) {
            EmbeddedChannel dec = decoder(2);
            ByteBuf in = wireFrame(bad);
            dec.pipeline().fireChannelRead(in);
            assertThatThrownBy(dec::checkException).isInstanceOf(ZmtpProtocolException.class)
                    .hasMessageMatching(".*(does not authenticate|shorter than the minimum).*");
            assertThat(in.refCnt()).isZero();
            assertThat((Object) dec.readInbound()).isNull();
            assertThat(dec.isOpen()).isFalse();
            dec.finishAndReleaseAll();
        }
    }

    @Test
    void aNonceCounterAtItsLimitRefusesToSendRatherThanWrap() throws Exception {
        EmbeddedChannel enc = encoder(-2L, ZmtpVersion.V3_1);
        enc.write(ZmtpMessage.ofStrings("last"));
        var refused = enc.write(ZmtpMessage.ofStrings("wraps"));
        List<byte[]> frames = outerFrames(wire(enc));
        assertThat(frames).as("only the box with the last nonce left").hasSize(1);
        assertThat(nonceOf(frames.get(0))).isEqualTo(-2L);
        assertThat(open(frames.get(0))).isEqualTo(Hex.bytes("00 'last'"));
        assertThat(refused.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("nonces exhausted");
        enc.finishAndReleaseAll();
    }

    @Test
    void removingTheCodecWipesBothBoxes() {
        FrameEncoder encoder = new FrameEncoder();
        CurveFrameBox box = new CurveFrameBox(new MessageBox(KEY, C), 3);
        encoder.boxWith(box);
        CurveFrameUnbox unbox = new CurveFrameUnbox(new MessageBox(KEY, C), 2);
        FrameDecoder decoder = new FrameDecoder();
        decoder.unboxWith(unbox);
        EmbeddedChannel ch = new EmbeddedChannel(encoder, decoder);
        assertThat(box.isWiped()).isFalse();
        assertThat(unbox.isWiped()).isFalse();
        ch.close();
        assertThat(box.isWiped()).isTrue();
        assertThat(unbox.isWiped()).isTrue();
        ch.finishAndReleaseAll();
    }
}
