package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.ZmtpMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A message keeps one frame without a list and moves to a list from its second frame on: every
 * operation must see the same frames in the same order either way, and the hand-over to and from
 * the codec's message must move references, not copy or lose them.
 */
class MessageFramesTest {
    private static ByteBuf text(String s) {
        return Unpooled.directBuffer().writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void framesKeepTheirOrderThroughAddPushAndPop() {
        Message m = new Message();
        assertThat(m.size()).isZero();
        assertThat(m.isEmpty()).isTrue();
        assertThat(m.frames()).isEmpty();
        assertThat(m.byteSize()).isZero();
        assertThatThrownBy(() -> m.frame(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(m::pop).isInstanceOf(IllegalStateException.class);

        m.push(text("b"));
        assertThat(m.strings()).containsExactly("b");
        m.push(text("a"));
        m.add(text("c"));
        assertThat(m.strings()).containsExactly("a", "b", "c");
        assertThat(m.frames()).hasSize(3);
        assertThat(m.byteSize()).isEqualTo(3);
        assertThat(m.popString()).isEqualTo("a");
        assertThat(m.popString()).isEqualTo("b");
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.string(0)).isEqualTo("c");
        assertThatThrownBy(() -> m.frame(1)).isInstanceOf(IndexOutOfBoundsException.class);
        m.add(text("d"));
        assertThat(m.strings()).containsExactly("c", "d");
        m.close();

        Message one = new Message().add(text("x"));
        assertThat(one.frame(0).toString(StandardCharsets.UTF_8)).isEqualTo("x");
        assertThat(one.frames()).hasSize(1);
        assertThatThrownBy(() -> one.frames().add(Unpooled.EMPTY_BUFFER)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(one.popBytes()).containsExactly('x');
        assertThat(one.isEmpty()).isTrue();
        one.add(text("y"));
        assertThat(one.strings()).containsExactly("y");
        one.close();
        assertThatThrownBy(() -> one.add(Unpooled.EMPTY_BUFFER)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theCodecMessageTakesTheFramesAndGivesThemBack() {
        ByteBuf a = text("a");
        Message one = new Message().add(a);
        ZmtpMessage zm = one.toZmtp();
        assertThat(zm.size()).isEqualTo(1);
        assertThat(zm.frame(0)).isSameAs(a);
        assertThat(a.refCnt()).isEqualTo(1);
        assertThatThrownBy(() -> one.add(Unpooled.EMPTY_BUFFER)).as("sent").isInstanceOf(IllegalStateException.class);
        Message back = Message.fromZmtp(zm);
        assertThat(zm.refCnt()).isZero();
        assertThat(back.frame(0)).isSameAs(a);
        assertThat(a.refCnt()).as("moved, not retained").isEqualTo(1);
        back.close();
        assertThat(a.refCnt()).isZero();

        ByteBuf b = text("b");
        ByteBuf c = text("c");
        ZmtpMessage multi = new Message().add(b).add(c).toZmtp();
        assertThat(multi.size()).isEqualTo(2);
        Message both = Message.fromZmtp(multi);
        assertThat(both.strings()).containsExactly("b", "c");
        both.close();
        assertThat(b.refCnt()).isZero();
        assertThat(c.refCnt()).isZero();

        ByteBuf d = text("d");
        ZmtpMessage shared = ZmtpMessage.of(d).retain();
        Message copy = Message.fromZmtp(shared);
        assertThat(shared.refCnt()).as("the other holder keeps its reference").isEqualTo(1);
        assertThat(d.refCnt()).isEqualTo(2);
        copy.close();
        shared.release();
        assertThat(d.refCnt()).isZero();
    }

    @Test
    void anEmptyMessageCannotBeSentToTheCodec() {
        Message empty = new Message();
        assertThatThrownBy(empty::toZmtp).isInstanceOf(IllegalArgumentException.class);
        Message popped = new Message().add(text("a")).add(text("b"));
        popped.pop().release();
        popped.pop().release();
        assertThatThrownBy(popped::toZmtp).isInstanceOf(IllegalArgumentException.class);
    }
}
