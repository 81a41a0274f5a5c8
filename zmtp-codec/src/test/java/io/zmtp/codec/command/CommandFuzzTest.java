package io.zmtp.codec.command;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.testing.EventRecorder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes as the body of a command frame after the handshake, through {@link CommandDecoder}:
 * only {@link ZmtpProtocolException}s come out, the frame is always released, and a decoded
 * command encodes to no more bytes than it came from plus a name-length octet.
 */
class CommandFuzzTest {
    @FuzzTest
    void command(byte[] input) {
        EventRecorder rec = new EventRecorder();
        EmbeddedChannel ch = new EmbeddedChannel(new CommandDecoder(), rec);
        ByteBuf body = Unpooled.buffer(input.length).writeBytes(input);
        ch.writeInbound(ZmtpFrame.command(body));
        assertThat(body.refCnt()).as("the command frame is released").isZero();
        assertThat(rec.exceptions).allMatch(ZmtpProtocolException.class::isInstance);
        Object decoded = ch.readInbound();
        try {
            if (decoded instanceof Command command) {
                assertThat(rec.exceptions).isEmpty();
                assertThat(command.encodedLength()).isLessThanOrEqualTo(input.length + 1);
            } else {
                assertThat(decoded).isNull();
                assertThat(rec.exceptions).hasSize(1);
                assertThat(ch.isOpen()).isFalse();
            }
        } finally {
            ReferenceCountUtil.release(decoded);
            ch.finishAndReleaseAll();
        }
    }
}
