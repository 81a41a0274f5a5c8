package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.Ping;
import io.zmtp.testing.FuzzSeeds;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Seeds of {@link CurveBoxFuzzTest}: MESSAGEs boxed by the real encoder under the target's key. */
public final class CurveFuzzSeeds {
    private CurveFuzzSeeds() {
    }

    public static void write() throws IOException {
        EmbeddedChannel enc = new EmbeddedChannel(
                new CurveMessageEncoder(CurveBoxFuzzTest.KEY.clone(), CurveCrypto.MESSAGE_FROM_CLIENT, 1, ZmtpVersion.V3_1));
        enc.writeOutbound(ZmtpMessage.ofStrings("", "hello", "world"));
        enc.writeOutbound(new Ping(10, new byte[] {7}));
        enc.writeOutbound(ZmtpMessage.ofBytes(new byte[600]));
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        ZmtpFrame f;
        while ((f = enc.readOutbound()) != null) {
            ByteBuf body = f.content();
            records.write(body.readableBytes() >> 8);
            records.write(body.readableBytes());
            records.writeBytes(ByteBufUtil.getBytes(body));
            f.release();
        }
        enc.finishAndReleaseAll();
        FuzzSeeds.seed(CurveBoxFuzzTest.class, "unbox", "message-ping-message", records.toByteArray());
    }
}
