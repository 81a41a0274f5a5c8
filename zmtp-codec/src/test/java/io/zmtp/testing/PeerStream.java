package io.zmtp.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpPipeline;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.command.ErrorCommand;
import io.zmtp.codec.handshake.HandshakeFailed;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plays a peer's byte stream into one side of the codec and checks what must hold whatever the
 * bytes: only {@link ZmtpProtocolException}s come out of the codec, a closed connection says why
 * (a {@link HandshakeFailed}, a protocol exception, or the peer's ERROR), the codec holds no more
 * memory than the stream and a fixed allowance, and once the channel is finished nothing that
 * came from the channel's allocator is still held. Used by the fuzz targets.
 *
 * <p>Input layout: the first byte picks the read size (0: the whole stream in one read, n: reads
 * of n bytes), the rest is the stream.
 */
public final class PeerStream {
    /** What the codec may hold beyond the bytes fed: its handshake limit, cumulation slack, our own sends. */
    private static final long ALLOWANCE = 256 * 1024;

    private PeerStream() {
    }

    public static void play(ZmtpConfig config, byte[] input) {
        if (input.length == 0) {
            return;
        }
        int readSize = input[0] & 0xFF;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        MeteredAllocator alloc = new MeteredAllocator();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc.allocator());
        ZmtpPipeline.install(ch.pipeline(), config);
        EventRecorder rec = new EventRecorder();
        ch.pipeline().addLast(rec);
        boolean sawError = false;
        try {
            int at = 0;
            while (at < stream.length && ch.isOpen()) {
                int n = readSize == 0 ? stream.length - at : Math.min(readSize, stream.length - at);
                ByteBuf read = alloc.allocator().heapBuffer(n).writeBytes(stream, at, n);
                ch.writeInbound(read);
                at += n;
                sawError |= releaseAll(ch);
                alloc.sample();
            }
            for (Throwable t : rec.exceptions) {
                assertThat(t).as("only protocol exceptions leave the codec").isInstanceOf(ZmtpProtocolException.class);
            }
            if (!ch.isOpen()) {
                assertThat(sawError || !rec.exceptions.isEmpty() || rec.first(HandshakeFailed.class) != null)
                        .as("a closed connection says why").isTrue();
            }
            assertThat(alloc.peak()).as("bytes held for a stream of %d", stream.length)
                    .isLessThanOrEqualTo(2L * stream.length + ALLOWANCE);
        } finally {
            releaseAll(ch);
            ch.finishAndReleaseAll();
        }
        assertThat(alloc.sample()).as("buffers of the channel's allocator still held after it finished").isZero();
    }

    /** Releases what the codec passed on or wrote; true when the peer's ERROR was among it. */
    private static boolean releaseAll(EmbeddedChannel ch) {
        boolean error = false;
        Object o;
        while ((o = ch.readInbound()) != null) {
            error |= o instanceof ErrorCommand;
            ReferenceCountUtil.release(o);
        }
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        return error;
    }
}
