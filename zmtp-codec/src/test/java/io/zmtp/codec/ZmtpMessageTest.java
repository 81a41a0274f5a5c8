package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
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

    @Test
    void itsReferenceCountBehavesAsNettysDo() {
        ByteBuf a = Unpooled.directBuffer().writeByte(1);
        ZmtpMessage m = ZmtpMessage.of(a);
        assertThat(m.retain(2).refCnt()).isEqualTo(3);
        assertThat(m.release()).isFalse();
        assertThat(m.release(2)).as("the last reference").isTrue();
        assertThat(m.refCnt()).isZero();
        assertThat(a.refCnt()).isZero();
        assertThatThrownBy(m::release).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(m::retain).isInstanceOf(IllegalReferenceCountException.class);
        ZmtpMessage n = ZmtpMessage.of(Unpooled.directBuffer().writeByte(1));
        assertThatThrownBy(() -> n.release(2)).as("more than it holds").isInstanceOf(IllegalReferenceCountException.class);
        assertThat(n.refCnt()).as("a refused release changes nothing").isEqualTo(1);
        assertThatThrownBy(() -> n.retain(Integer.MAX_VALUE)).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(() -> n.release(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(n.release()).isTrue();
    }

    @Test
    void theCountHoldsUnderConcurrentRetainsAndReleases() throws Exception {
        ByteBuf a = Unpooled.directBuffer().writeByte(1);
        ZmtpMessage m = ZmtpMessage.of(a);
        int threads = 4;
        int rounds = 100_000;
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    m.retain();
                    m.release();
                }
            });
            th.start();
            running.add(th);
        }
        for (Thread th : running) {
            th.join();
        }
        assertThat(m.refCnt()).isEqualTo(1);
        assertThat(a.refCnt()).as("never released on the way").isEqualTo(1);
        m.release();
        assertThat(a.refCnt()).isZero();
    }

    @Test
    void aOneFrameMessageHandsOverItsOnlyFrame() {
        ByteBuf a = Unpooled.directBuffer().writeByte(1);
        ZmtpMessage m = ZmtpMessage.of(a);
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.frames()).containsExactly(a);
        assertThatThrownBy(() -> m.frame(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(m.transferOnlyFrame()).isSameAs(a);
        assertThat(m.refCnt()).isZero();
        assertThat(a.refCnt()).as("now the caller's").isEqualTo(1);
        a.release();

        ZmtpMessage two = ZmtpMessage.ofStrings("x", "y");
        assertThatThrownBy(two::transferOnlyFrame).isInstanceOf(IllegalStateException.class).hasMessageContaining("2 frames");
        assertThat(two.frames()).hasSize(2);
        assertThat(two.string(1)).isEqualTo("y");
        assertThat(two.byteSize()).isEqualTo(2);
        two.release();
        ZmtpMessage shared = ZmtpMessage.ofStrings("z").retain();
        assertThatThrownBy(shared::transferOnlyFrame).isInstanceOf(IllegalStateException.class).hasMessageContaining("2 times");
        shared.release(2);
    }

    @Test
    void anEmptyMessageIsRefused() {
        assertThatThrownBy(() -> ZmtpMessage.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZmtpMessage.of(new ByteBuf[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZmtpMessage.ofStrings()).isInstanceOf(IllegalArgumentException.class);
    }

    /** What a layer above builds on: an empty subclass message that adds, puts in front and takes out frames. */
    private static final class Built extends ZmtpMessage {
        Built add(ByteBuf f) {
            appendFrame(f);
            return this;
        }

        Built front(ByteBuf f) {
            prependFrame(f);
            return this;
        }

        ByteBuf takeFirst() {
            return removeFirstFrame();
        }

        Built take(ZmtpMessage from) {
            takeFramesOf(from);
            return this;
        }
    }

    @Test
    void aSubclassTakesOverTheFramesOfASoleHolder() {
        ByteBuf a = direct("a");
        ByteBuf b = direct("b");
        ByteBuf c = direct("c");
        ZmtpMessage from = ZmtpMessage.of(b, c);
        Built m = new Built().add(a).take(from);
        assertThat(from.refCnt()).isZero();
        assertThat(texts(m)).containsExactly("a", "b", "c");
        assertThat(b.refCnt()).as("moved, not retained").isEqualTo(1);
        ZmtpMessage shared = ZmtpMessage.of(direct("d")).retain();
        assertThatThrownBy(() -> m.take(shared)).isInstanceOf(IllegalStateException.class);
        assertThat(m.size()).as("nothing taken from a shared message").isEqualTo(3);
        shared.release(2);
        m.release();
        assertThat(List.of(a, b, c)).allSatisfy(f -> assertThat(f.refCnt()).isZero());
    }

    private static ByteBuf direct(String text) {
        return Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static List<String> texts(ZmtpMessage m) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            out.add(m.string(i));
        }
        return out;
    }

    @Test
    void aSubclassBuildsItsFramesInPlaceAndReleasesThemAsAnyMessage() {
        Built m = new Built();
        assertThat(m.size()).isZero();
        assertThat(m.frames()).isEmpty();
        assertThat(m.byteSize()).isZero();
        assertThatThrownBy(() -> m.frame(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(m::takeFirst).isInstanceOf(IllegalStateException.class);
        ByteBuf b = direct("b");
        ByteBuf c = direct("c");
        ByteBuf a = direct("a");
        m.add(b).add(c).front(a);
        for (int i = 0; i < 5; i++) {
            m.add(direct("x" + i));  // past the first array's room
        }
        assertThat(texts(m)).containsExactly("a", "b", "c", "x0", "x1", "x2", "x3", "x4");
        assertThat(m.frames()).hasSize(8);
        assertThat(m.byteSize()).isEqualTo(13);
        ByteBuf first = m.takeFirst();
        assertThat(first).isSameAs(a);
        first.release();
        assertThat(texts(m)).containsExactly("b", "c", "x0", "x1", "x2", "x3", "x4");
        assertThat(m.toString()).isEqualTo("Built[1B, 1B, 2B, 2B, 2B, 2B, 2B]");
        List<ByteBuf> frames = new ArrayList<>(m.frames());
        assertThat(m.release()).isTrue();
        assertThat(frames).allSatisfy(f -> assertThat(f.refCnt()).isZero());
    }

    @Test
    void aOneFrameSubclassMessageHandsItsFrameOver() {
        ByteBuf a = direct("a");
        Built m = new Built().add(a);
        assertThat(m.transferOnlyFrame()).isSameAs(a);
        assertThat(m.refCnt()).isZero();
        assertThat(a.refCnt()).isEqualTo(1);
        a.release();
        Built two = new Built().add(direct("a")).add(direct("b"));
        assertThatThrownBy(two::transferOnlyFrame).isInstanceOf(IllegalStateException.class);
        two.release();
    }
}
