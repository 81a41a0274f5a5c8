package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.Ping;
import io.zmtp.testing.FuzzSeeds;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Seeds of {@link CurveBoxFuzzTest}: MESSAGEs boxed by the real frame encoder under the target's key. */
public final class CurveFuzzSeeds {
    private CurveFuzzSeeds() {
    }

    public static void write() throws IOException {
        FrameEncoder encoder = new FrameEncoder();
        encoder.peerVersion(ZmtpVersion.V3_1);
        encoder.boxWith(new CurveFrameBox(new MessageBox(CurveBoxFuzzTest.KEY.clone(), CurveCrypto.MESSAGE_FROM_CLIENT), 1));
        EmbeddedChannel enc = new EmbeddedChannel(encoder);
        enc.writeOutbound(ZmtpMessage.ofStrings("", "hello", "world"));
        enc.writeOutbound(new Ping(10, new byte[] {7}));
        enc.writeOutbound(ZmtpMessage.ofBytes(new byte[600]));
        ByteBuf wire = Unpooled.buffer();
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            wire.writeBytes(b);
            b.release();
        }
        // Each outer frame is a MESSAGE command; the target takes their bodies, each behind its length.
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        while (wire.isReadable()) {
            int flags = wire.readUnsignedByte();
            int size = (flags & ZmtpFrame.FLAG_LONG) != 0 ? (int) wire.readLong() : wire.readUnsignedByte();
            records.write(size >> 8);
            records.write(size);
            records.writeBytes(ByteBufUtil.getBytes(wire.readSlice(size)));
        }
        wire.release();
        enc.finishAndReleaseAll();
        FuzzSeeds.seed(CurveBoxFuzzTest.class, "unbox", "message-ping-message", records.toByteArray());
    }
}
