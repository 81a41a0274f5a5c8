package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZmtpMessageTest {

    @Test
    void transferFramesHandsOverTheReferencesAndReleasesOnlyTheMessage() {
        ByteBuf a = Unpooled.directBuffer().writeBytes("a".getBytes(StandardCharsets.US_ASCII));
        ByteBuf b = Unpooled.directBuffer().writeBytes("b".getBytes(StandardCharsets.US_ASCII));
        ZmtpMessage m = ZmtpMessage.of(a, b);
        List<ByteBuf> taken = new ArrayList<>();
        m.transferFrames(taken);
        assertThat(m.refCnt()).isZero();
        assertThat(taken).containsExactly(a, b);
        assertThat(a.refCnt()).as("still held once, now by the caller").isEqualTo(1);
        assertThat(b.refCnt()).isEqualTo(1);
        a.release();
        b.release();
    }

    @Test
    void aSharedMessageKeepsItsFrames() {
        ByteBuf a = Unpooled.directBuffer().writeByte(1);
        ZmtpMessage m = ZmtpMessage.of(a).retain();
        assertThatThrownBy(() -> m.transferFrames(new ArrayList<>())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 times");
        assertThat(m.refCnt()).isEqualTo(2);
        m.release(2);
        assertThat(a.refCnt()).as("releasing the message released its frame").isZero();
    }

    @Test
    void theListGivenToOfIsCopied() {
        List<ByteBuf> frames = new ArrayList<>(List.of(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII)));
        ZmtpMessage m = ZmtpMessage.of(frames);
        frames.clear();
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.string(0)).isEqualTo("x");
        assertThatThrownBy(() -> m.frames().add(Unpooled.EMPTY_BUFFER)).isInstanceOf(UnsupportedOperationException.class);
        m.release();
    }

    @Test
    void releasingReleasesEveryFrameButAPlainHeapOneHeldByNobodyElse() {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer().writeByte(1);
        ByteBuf heapAlone = Unpooled.wrappedBuffer(new byte[] {2});
        ByteBuf heapShared = Unpooled.wrappedBuffer(new byte[] {3}).retain();
        ByteBuf direct = Unpooled.directBuffer().writeByte(4);
        ZmtpMessage m = ZmtpMessage.of(pooled, heapAlone, heapShared, direct);
        m.release();
        assertThat(pooled.refCnt()).as("a pooled frame goes back to its pool").isZero();
        assertThat(direct.refCnt()).as("a direct frame frees its memory").isZero();
        assertThat(heapShared.refCnt()).as("the message's reference to a shared heap frame is given up").isEqualTo(1);
        assertThat(heapAlone.refCnt()).as("a heap frame nobody else holds is left to the garbage collector").isEqualTo(1);
        heapShared.release();
    }
}
