package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.command.Cancel;
import io.zmtp.codec.command.Ping;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrameEncoderTest {
    /** Every byte the channel wrote, in order, and how many buffers carried them. */
    private record Written(byte[] bytes, List<ByteBuf> buffers) {
    }

    private static Written drainOutbound(EmbeddedChannel ch) {
        CompositeByteBuf all = Unpooled.compositeBuffer();
        List<ByteBuf> buffers = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            buffers.add(b);
            all.addComponent(true, b.retainedDuplicate());
        }
        byte[] bytes = Hex.drain(all);
        return new Written(bytes, buffers);
    }

    private static void release(Written w) {
        w.buffers.forEach(ByteBuf::release);
    }

    @Test
    void encodesMultipartMessageWithMoreOnAllButTheLast() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        ch.writeAndFlush(ZmtpMessage.ofStrings("", "req"));
        Written w = drainOutbound(ch);
        assertThat(w.bytes).isEqualTo(Hex.bytes("01 00 00 03 'req'"));
        release(w);
        ch.finishAndReleaseAll();
    }

    @Test
    void usesTheLongFormOnlyAbove255Bytes() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        ch.writeAndFlush(ZmtpMessage.ofBytes(new byte[255], new byte[256]));
        Written w = drainOutbound(ch);
        assertThat(w.bytes[0]).isEqualTo((byte) 0x01);
        assertThat(w.bytes[1]).isEqualTo((byte) 0xFF);
        int second = 2 + 255;
        assertThat(java.util.Arrays.copyOfRange(w.bytes, second, second + 9))
                .isEqualTo(Hex.bytes("02 00 00 00 00 00 00 01 00"));
        assertThat(w.bytes).hasSize(2 + 255 + 9 + 256);
        release(w);
        ch.finishAndReleaseAll();
    }

    @Test
    void coalescesManySmallMessagesIntoFewBuffers() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        List<ChannelFuture> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            futures.add(ch.write(ZmtpMessage.ofBytes(new byte[16])));
        }
        ch.flush();
        Written w = drainOutbound(ch);
        assertThat(w.bytes).hasSize(1000 * 18);
        // 18 bytes a message, 8192 bytes a batch: three batches.
        assertThat(w.buffers).hasSize(3);
        assertThat(futures).allMatch(ChannelFuture::isSuccess);
        release(w);
        ch.finishAndReleaseAll();
    }

    @Test
    void writesALargeBodyAsItIsWithoutCopying() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        ByteBuf body = Unpooled.directBuffer(64 * 1024).writeZero(64 * 1024);
        long address = body.hasMemoryAddress() ? body.memoryAddress() : -1;
        ChannelFuture f = ch.writeAndFlush(ZmtpMessage.of(Unpooled.wrappedBuffer(Hex.bytes("'topic'")), body));
        Written w = drainOutbound(ch);
        assertThat(w.buffers).hasSize(2);
        ByteBuf header = w.buffers.get(0);
        assertThat(header.readableBytes()).isEqualTo(2 + 5 + 9);
        ByteBuf sent = w.buffers.get(1);
        assertThat(sent.readableBytes()).isEqualTo(64 * 1024);
        if (address != -1) {
            assertThat(sent.memoryAddress()).isEqualTo(address);
        }
        assertThat(f.isSuccess()).isTrue();
        release(w);
        ch.finishAndReleaseAll();
    }

    @Test
    void writesALargeBodyNothingElseHoldsItselfAndReleasesIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        ByteBuf body = Unpooled.directBuffer(4096).writeBytes(new byte[4096]);
        ch.writeAndFlush(ZmtpMessage.of(body));
        Written w = drainOutbound(ch);
        assertThat(w.buffers).hasSize(2);
        assertThat(w.buffers.get(1)).isSameAs(body);
        release(w);
        assertThat(body.refCnt()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void writesASharedLargeBodyIntactToEveryChannelThatSendsIt() {
        // A PUB's fan-out: one message, retained once per peer, written by several encoders.
        byte[] pattern = new byte[4096];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) i;
        }
        ZmtpMessage shared = ZmtpMessage.of(Unpooled.directBuffer(4096).writeBytes(pattern));
        List<EmbeddedChannel> peers = List.of(new EmbeddedChannel(new FrameEncoder()),
                new EmbeddedChannel(new FrameEncoder()), new EmbeddedChannel(new FrameEncoder()));
        for (EmbeddedChannel peer : peers) {
            peer.writeAndFlush(shared.retain());
        }
        for (EmbeddedChannel peer : peers) {
            // Read as a socket write does: moving each buffer's reader index.
            java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
            ByteBuf b;
            while ((b = peer.readOutbound()) != null) {
                byte[] chunk = new byte[b.readableBytes()];
                b.readBytes(chunk);
                sent.writeBytes(chunk);
                b.release();
            }
            byte[] bytes = sent.toByteArray();
            assertThat(bytes).hasSize(9 + pattern.length);
            assertThat(java.util.Arrays.copyOfRange(bytes, 9, bytes.length)).isEqualTo(pattern);
            peer.finishAndReleaseAll();
        }
        assertThat(shared.release()).isTrue();
    }

    @Test
    void copiesSmallHeapDirectAndCompositeBodiesAlike() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        ByteBuf heap = Unpooled.wrappedBuffer(Hex.bytes("'xxheap'")).skipBytes(2);
        ByteBuf direct = Unpooled.directBuffer(16).writeBytes(Hex.bytes("'direct'"));
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.wrappedBuffer(Hex.bytes("'com'")))
                .addComponent(true, Unpooled.directBuffer(8).writeBytes(Hex.bytes("'posite'")));
        ch.writeAndFlush(ZmtpMessage.of(heap, direct, composite));
        Written w = drainOutbound(ch);
        assertThat(w.bytes).isEqualTo(Hex.bytes("01 04 'heap' 01 06 'direct' 00 09 'composite'"));
        release(w);
        ch.finishAndReleaseAll();
    }

    @Test
    void refusesAMessageWithAReleasedFrameWithoutWritingAnyOfIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        ByteBuf released = Unpooled.directBuffer(16).writeBytes(new byte[16]);
        released.release();
        ChannelFuture f = ch.writeAndFlush(ZmtpMessage.of(Unpooled.wrappedBuffer(Hex.bytes("'first'")), released));
        assertThat(f.cause()).isInstanceOf(io.netty.util.IllegalReferenceCountException.class);
        // Not a byte of it: a frame with MORE and no message behind it would break the stream.
        assertThat((Object) ch.readOutbound()).isNull();
        ch.writeAndFlush(ZmtpMessage.ofStrings("next"));
        Written w = drainOutbound(ch);
        assertThat(w.bytes).isEqualTo(Hex.bytes("00 04 'next'"));
        release(w);
        ch.finishAndReleaseAll();
    }

    @Test
    void sendsSubscriptionsAsCommandsToA31PeerAndAsMessagesToA30Peer() {
        FrameEncoder encoder = new FrameEncoder();
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        ch.writeAndFlush(new Subscribe(Hex.bytes("'abc'")));
        ch.writeAndFlush(new Cancel(Hex.bytes("'abc'")));
        ch.writeAndFlush(new Subscribe(new byte[0]));
        Written v31 = drainOutbound(ch);
        assertThat(v31.bytes).isEqualTo(Hex.bytes("04 0D 09 'SUBSCRIBE' 'abc'  04 0A 06 'CANCEL' 'abc'  04 0A 09 'SUBSCRIBE'"));
        release(v31);

        encoder.peerVersion(ZmtpVersion.V3_0);
        ch.writeAndFlush(new Subscribe(Hex.bytes("'abc'")));
        ch.writeAndFlush(new Cancel(Hex.bytes("'abc'")));
        ch.writeAndFlush(new Subscribe(new byte[0]));
        Written v30 = drainOutbound(ch);
        assertThat(v30.bytes).isEqualTo(Hex.bytes("00 04 01 'abc'  00 04 00 'abc'  00 01 01"));
        release(v30);
        ch.finishAndReleaseAll();
    }

    @Test
    void encodesPingAsLibzmqDoes() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        ch.writeAndFlush(new Ping(15, new byte[0]));
        Written w = drainOutbound(ch);
        assertThat(w.bytes).isEqualTo(Hex.bytes("04 07 04 'PING' 00 0F"));
        release(w);
        ch.finishAndReleaseAll();
    }

    @Test
    void failsThePromiseOfSomethingItCannotEncode() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        ChannelFuture f = ch.writeAndFlush("not a frame");
        assertThat(f.cause()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.String");
        ch.finishAndReleaseAll();
    }
    @Test
    void encodeOutsideHandsOverTheHeldBatchWithTheMessageCopiedWholeBehindIt() {
        FrameEncoder encoder = new FrameEncoder();
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        encoder.allowDirectWrites();
        // Written but not flushed: these bytes sit in the encoder's batch and must go first.
        encoder.writeDirect(ZmtpMessage.ofStrings("held"));
        List<ByteBuf> out = new ArrayList<>();
        byte[] big = new byte[5000];   // above the copy threshold: still copied, into one buffer
        big[4999] = 7;
        encoder.encodeOutside(ZmtpMessage.ofBytes("k".getBytes(java.nio.charset.StandardCharsets.US_ASCII), big), out::add);
        // One buffer: the held batch had room for the message, which follows its bytes.
        assertThat(out).hasSize(1);
        byte[] bytes = Hex.drain(out.get(0));
        assertThat(bytes).hasSize(6 + 3 + 9 + 5000);
        assertThat(java.util.Arrays.copyOfRange(bytes, 0, 18))
                .isEqualTo(Hex.bytes("00 04 'held' 01 01 'k' 02 00 00 00 00 00 00 13 88"));
        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 7);
        // Nothing is left for the pipeline.
        ch.flush();
        assertThat((Object) ch.readOutbound()).isNull();
        ch.finishAndReleaseAll();
    }
}
