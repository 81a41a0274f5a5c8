package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link Message#close()} releases: every frame that holds memory, and its reference to a
 * shared one; a plain heap array that nothing else holds is left to the collector.
 */
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
    void aHeapFrameSomethingElseHoldsGivesUpTheMessagesReference() {
        ByteBuf shared = Unpooled.wrappedBuffer(new byte[16]).retain();
        Message m = new Message().add(shared);
        m.close();
        assertThat(shared.refCnt()).as("the other holder's reference is left").isEqualTo(1);
        shared.release();
        assertThat(shared.refCnt()).isZero();
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
