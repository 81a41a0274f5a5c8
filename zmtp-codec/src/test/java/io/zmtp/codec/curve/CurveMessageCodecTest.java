package io.zmtp.codec.curve;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.Cancel;
import io.zmtp.codec.command.Ping;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MESSAGE encoder and decoder on their own: inner flags, nonces, the 3.0 subscription form, big frames. */
class CurveMessageCodecTest {
    private static final byte[] KEY = CryptoBox.beforenm(CurveKeyPair.generate().publicKey(), CurveKeyPair.generate().secretKey());
    private static final byte[] C = CurveCrypto.MESSAGE_FROM_CLIENT;

    private static EmbeddedChannel encoder(long firstNonce, ZmtpVersion peer) {
        return new EmbeddedChannel(new CurveMessageEncoder(KEY.clone(), C, firstNonce, peer));
    }

    /** Reads every MESSAGE frame the encoder wrote. */
    private static List<ZmtpFrame> written(EmbeddedChannel ch) {
        List<ZmtpFrame> out = new ArrayList<>();
        ZmtpFrame f;
        while ((f = ch.readOutbound()) != null) {
            out.add(f);
        }
        return out;
    }

    /** Opens one MESSAGE by hand: [nonce, flags, payload...]. */
    private static byte[] open(ZmtpFrame f) throws Exception {
        byte[] body = ByteBufUtil.getBytes(f.content());
        assertThat(Arrays.copyOf(body, 8)).isEqualTo(Hex.bytes("07 'MESSAGE'"));
        long nonce = java.nio.ByteBuffer.wrap(body, 8, 8).getLong();
        return CryptoBox.open(KEY, CurveCrypto.shortNonce(C, nonce), Arrays.copyOfRange(body, 16, body.length));
    }

    @Test
    void multipartMessageBecomesOneMessagePerFrameWithInnerMore() throws Exception {
        EmbeddedChannel enc = encoder(3, ZmtpVersion.V3_1);
        enc.writeOutbound(ZmtpMessage.ofStrings("a", "", "c"));
        List<ZmtpFrame> frames = written(enc);
        assertThat(frames).hasSize(3).allSatisfy(f -> {
            assertThat(f.more()).isFalse();
            assertThat(f.isCommand()).isFalse();
        });
        assertThat(open(frames.get(0))).isEqualTo(Hex.bytes("01 'a'"));
        assertThat(open(frames.get(1))).isEqualTo(Hex.bytes("01"));
        assertThat(open(frames.get(2))).isEqualTo(Hex.bytes("00 'c'"));
        assertThat(frames.stream().map(f -> f.content().getLong(8))).containsExactly(3L, 4L, 5L);
        frames.forEach(ZmtpFrame::release);
        enc.finishAndReleaseAll();
    }

    @Test
    void commandsCarryTheInnerCommandBit() throws Exception {
        EmbeddedChannel enc = encoder(2, ZmtpVersion.V3_1);
        enc.writeOutbound(new Ping(0, new byte[0]), new Subscribe("ab".getBytes()), new Cancel("ab".getBytes()));
        List<ZmtpFrame> frames = written(enc);
        assertThat(open(frames.get(0))).isEqualTo(Hex.bytes("02 04 'PING' 00 00"));
        assertThat(open(frames.get(1))).isEqualTo(Hex.bytes("02 09 'SUBSCRIBE' 'ab'"));
        assertThat(open(frames.get(2))).isEqualTo(Hex.bytes("02 06 'CANCEL' 'ab'"));
        frames.forEach(ZmtpFrame::release);
        enc.finishAndReleaseAll();
    }

    @Test
    void subscriptionsToAZmtp30PeerAreDataFrames() throws Exception {
        EmbeddedChannel enc = encoder(2, ZmtpVersion.V3_0);
        enc.writeOutbound(new Subscribe("ab".getBytes()), new Cancel("ab".getBytes()));
        List<ZmtpFrame> frames = written(enc);
        assertThat(open(frames.get(0))).isEqualTo(Hex.bytes("00 01 'ab'"));
        assertThat(open(frames.get(1))).isEqualTo(Hex.bytes("00 00 'ab'"));
        frames.forEach(ZmtpFrame::release);
        enc.finishAndReleaseAll();
    }

    @Test
    void decoderRestoresFramesAndCommands() {
        EmbeddedChannel enc = encoder(3, ZmtpVersion.V3_1);
        EmbeddedChannel dec = new EmbeddedChannel(new CurveMessageDecoder(KEY.clone(), C, 2));
        byte[] big = new byte[300 * 1024];
        Arrays.fill(big, (byte) 7);
        enc.writeOutbound(ZmtpMessage.ofBytes(new byte[0], big), ZmtpFrame.command(Hex.buf("04 'PING' 00 00")));
        for (ZmtpFrame f : written(enc)) {
            dec.writeInbound(f);
        }
        ZmtpFrame empty = dec.readInbound();
        ZmtpFrame large = dec.readInbound();
        ZmtpFrame ping = dec.readInbound();
        assertThat(empty.more()).isTrue();
        assertThat(empty.content().readableBytes()).isZero();
        assertThat(large.more()).isFalse();
        assertThat(ByteBufUtil.getBytes(large.content())).isEqualTo(big);
        assertThat(ping.isCommand()).isTrue();
        assertThat(ByteBufUtil.getBytes(ping.content())).isEqualTo(Hex.bytes("04 'PING' 00 00"));
        empty.release();
        large.release();
        ping.release();
        assertThat(dec.isOpen()).isTrue();
        enc.finishAndReleaseAll();
        dec.finishAndReleaseAll();
    }

    @Test
    void decoderRefusesANonceAtOrBelowTheHandshakesAndReleasesTheFrame() {
        EmbeddedChannel enc = encoder(2, ZmtpVersion.V3_1);
        EmbeddedChannel dec = new EmbeddedChannel(new CurveMessageDecoder(KEY.clone(), C, 2));
        enc.writeOutbound(ZmtpMessage.ofStrings("x"));
        ZmtpFrame replayed = written(enc).get(0);
        dec.pipeline().fireChannelRead(replayed);
        assertThatThrownBy(dec::checkException).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("nonce 2 is not above the last one seen (2)");
        assertThat((Object) dec.readInbound()).isNull();
        assertThat(replayed.refCnt()).isZero();
        assertThat(dec.isOpen()).isFalse();
        enc.finishAndReleaseAll();
        dec.finishAndReleaseAll();
    }
}
