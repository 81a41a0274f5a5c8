package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link Message#close()} releases: every frame that holds memory, not plain heap arrays. */
class MessageCloseTest {
    @Test
    void closeReleasesPooledAndDirectFrames() {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.heapBuffer(16).writeZero(16);
        ByteBuf direct = Unpooled.directBuffer(16).writeZero(16);
        Message m = new Message().add(pooled).add(direct);
        m.close();
        assertThat(pooled.refCnt()).isZero();
        assertThat(direct.refCnt()).isZero();
    }

    @Test
    void plainHeapFramesAreLeftToTheCollector() {
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[16]);
        Message m = new Message().add(heap);
        m.close();
        assertThat(heap.refCnt()).isEqualTo(1);
        assertThat(m.isEmpty()).isTrue();
        assertThatThrownBy(() -> m.add(new byte[1])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeIsIdempotent() {
        ByteBuf direct = Unpooled.directBuffer(4).writeZero(4);
        Message m = new Message().add(direct);
        m.close();
        m.close();
        assertThat(direct.refCnt()).isZero();
    }
}
