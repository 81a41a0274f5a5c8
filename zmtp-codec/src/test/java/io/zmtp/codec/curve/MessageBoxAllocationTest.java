package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boxing and unboxing allocate nothing per message once a connection's box exists (issue 15's
 * "no garbage per message"). Buffers are made without the leak detector's wrappers, whose records
 * would be counted here; the old path allocated about 0.8 KiB per box at 16 bytes.
 */
class MessageBoxAllocationTest {
    private static final UnpooledByteBufAllocator PLAIN = new UnpooledByteBufAllocator(true, true);

    @ParameterizedTest
    @ValueSource(ints = {16, 1024, 65_536})
    void sealAndOpenAllocateNothing(int size) {
        byte[] key = new byte[32];
        key[0] = 1;
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[16 + size]);
        ByteBuf direct = PLAIN.directBuffer(16 + size).writeZero(16 + size);
        ByteBuf out = PLAIN.directBuffer(size).writeZero(size);
        try (MessageBox box = new MessageBox(key, CurveCrypto.MESSAGE_FROM_CLIENT)) {
            long[] nonce = {2};
            Runnable sealHeap = () -> box.seal(heap, 0, size, nonce[0]++);
            Runnable roundTripDirect = () -> {
                long n = nonce[0]++;
                box.seal(direct, 0, size, n);
                if (!box.open(direct, 0, size, n, out, 0)) {
                    throw new AssertionError("box did not open");
                }
            };
            int runs = size > 1024 ? 200 : 20_000;
            double heapBytes = AllocationProbe.bytesPerRun(runs, runs, sealHeap);
            double directBytes = AllocationProbe.bytesPerRun(runs, runs, roundTripDirect);
            System.out.printf("MessageBox %d B: seal (heap) %.2f B/op, seal+open (direct) %.2f B/op%n",
                    size, heapBytes, directBytes);
            assertThat(heapBytes).isLessThan(1.0);
            assertThat(directBytes).isLessThan(1.0);
        } finally {
            heap.release();
            direct.release();
            out.release();
        }
    }
}
