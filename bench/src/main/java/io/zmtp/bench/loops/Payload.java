package io.zmtp.bench.loops;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.socket.Message;

/**
 * Message bodies of the cells: {@code size} bytes whose first eight are the sender's
 * {@link System#nanoTime()}, which the receiving process (same machine, same monotonic clock)
 * subtracts from its own. Small bodies are heap arrays, large ones pooled direct buffers, as the
 * perf tools choose.
 */
final class Payload {
    private Payload() {
    }

    static Message stamped(int size) {
        ByteBuf body;
        if (size <= FrameEncoder.COPY_THRESHOLD) {
            body = Unpooled.wrappedBuffer(new byte[size]);
        } else {
            body = ByteBufAllocator.DEFAULT.directBuffer(size, size);
            body.writerIndex(size);
        }
        body.setLong(0, System.nanoTime());
        return new Message().add(body);
    }

    /** Nanoseconds since the body's frame {@code index} was stamped. */
    static long age(Message m, int index) {
        return System.nanoTime() - m.frame(index).getLong(0);
    }
}
