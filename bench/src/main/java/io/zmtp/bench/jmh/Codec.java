package io.zmtp.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;

/** Helpers shared by the codec benchmarks: payloads, wire bytes, draining an EmbeddedChannel. */
final class Codec {
    private Codec() {
    }

    /** A direct buffer of {@code size} bytes with a repeating pattern. */
    static ByteBuf payload(int size) {
        return ByteBufAllocator.DEFAULT.directBuffer(size, size).writeBytes(pattern(size));
    }

    /** {@code size} bytes of a-z, repeating. */
    static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    /**
     * The ZMTP wire form of {@code messages} messages of {@code frames} frames of {@code size}
     * bytes each, written by hand (short or long header, MORE on all but a message's last frame).
     */
    static ByteBuf wire(int messages, int frames, int size) {
        int header = size > 255 ? 9 : 2;
        byte[] body = pattern(size);
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(messages * frames * (header + size));
        for (int m = 0; m < messages; m++) {
            for (int f = 0; f < frames; f++) {
                int flags = f < frames - 1 ? ZmtpFrame.FLAG_MORE : 0;
                if (size > 255) {
                    b.writeByte(flags | ZmtpFrame.FLAG_LONG);
                    b.writeLong(size);
                } else {
                    b.writeByte(flags);
                    b.writeByte(size);
                }
                b.writeBytes(body);
            }
        }
        return b;
    }

    /** A message of {@code frames} frames, each a retained duplicate of {@code payload}. */
    static ZmtpMessage message(ByteBuf payload, int frames) {
        if (frames == 1) {
            return ZmtpMessage.of(payload.retainedDuplicate());
        }
        ByteBuf[] parts = new ByteBuf[frames];
        for (int i = 0; i < frames; i++) {
            parts[i] = payload.retainedDuplicate();
        }
        return ZmtpMessage.of(parts);
    }

    /**
     * Makes and releases {@code count} one-frame messages as the batched benchmarks write them,
     * never writing them: the baseline whose allocation the message object accounts for (the
     * blackhole keeps the JIT from eliding it). Returns the frames made.
     */
    static int messagesOnly(ByteBuf payload, int count, org.openjdk.jmh.infra.Blackhole sink) {
        int frames = 0;
        for (int i = 0; i < count; i++) {
            ZmtpMessage m = message(payload, 1);
            sink.consume(m);
            frames += m.size();
            m.release();
        }
        return frames;
    }

    /** Releases everything the channel wrote; returns the bytes it came to. */
    static long drainOutbound(EmbeddedChannel channel) {
        long bytes = 0;
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            bytes += ((ByteBuf) o).readableBytes();
            ReferenceCountUtil.release(o);
        }
        return bytes;
    }

    /** Releases everything the channel read; returns how many objects (frames or messages) it was. */
    static long drainInbound(EmbeddedChannel channel) {
        long n = 0;
        for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
            n++;
            ReferenceCountUtil.release(o);
        }
        return n;
    }
}
