package io.zmtp.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metadata decoding of any bytes: either a {@link ZmtpProtocolException}, or properties that
 * encode back to exactly the bytes they came from.
 */
class MetadataFuzzTest {
    @FuzzTest
    void metadata(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        Metadata decoded;
        try {
            decoded = Metadata.decode(in);
        } catch (ZmtpProtocolException refused) {
            return;
        } finally {
            in.release();
        }
        ByteBuf out = Unpooled.buffer(decoded.encodedLength());
        try {
            decoded.encode(out);
            assertThat(ByteBufUtil.getBytes(out)).isEqualTo(input);
        } finally {
            out.release();
        }
    }
}
