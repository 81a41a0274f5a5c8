package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.testing.EmbeddedPair;
import io.zmtp.testing.EventRecorder;
import io.zmtp.testing.Hex;
import io.zmtp.testing.MeteredAllocator;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Until the handshake is complete the peer is unauthenticated, so no frame it declares may make
 * the codec buffer more than {@code maxHandshakeFrameSize} (hostile-input finding D: a command
 * declaring 2^31-17 bytes used to be accepted and buffered for the whole handshake timeout).
 */
class HandshakeFrameLimitTest {
    private static final byte[] NULL_GREETING = greeting();
    private static final long LIMIT = ZmtpConfig.DEFAULT_MAX_HANDSHAKE_FRAME_SIZE;

    private static byte[] greeting() {
        byte[] g = new byte[64];
        System.arraycopy(Hex.bytes("FF 00 00 00 00 00 00 00 01 7F 03 01 'NULL'"), 0, g, 0, 16);
        return g;
    }

    /** A DEALER with default settings whose buffers come from {@code alloc}. */
    private static EmbeddedChannel dealer(MeteredAllocator alloc) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc.allocator());
        ZmtpPipeline.install(ch.pipeline(), ZmtpConfig.builder(SocketType.DEALER).build());
        ch.pipeline().addLast(new EventRecorder());
        return ch;
    }

    /**
     * Writes {@code bytes} in a buffer from {@code alloc} (so a cumulation grown in place is
     * metered too), drops what the codec wrote back, and samples what it holds.
     */
    private static void write(EmbeddedChannel ch, MeteredAllocator alloc, ByteBuf bytes) {
        ch.writeInbound(alloc.allocator().heapBuffer(bytes.readableBytes()).writeBytes(bytes));
        bytes.release();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        alloc.sample();
    }

    private static void finish(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        ch.finishAndReleaseAll();
    }

    /**
     * Greeting, then a frame header declaring {@code size} bytes, then up to 1 MiB of its body in
     * 16 KiB reads for as long as the channel stays open; returns the recorder's failure.
     */
    private static HandshakeFailed feedDeclared(EmbeddedChannel ch, MeteredAllocator alloc, int flags, long size) {
        EventRecorder rec = ch.pipeline().get(EventRecorder.class);
        write(ch, alloc, Unpooled.buffer().writeBytes(NULL_GREETING).writeByte(flags | ZmtpFrame.FLAG_LONG).writeLong(size));
        byte[] chunk = new byte[16 * 1024];
        for (int fed = 0; fed < 1024 * 1024 && ch.isOpen(); fed += chunk.length) {
            write(ch, alloc, Unpooled.wrappedBuffer(chunk));
        }
        return rec.first(HandshakeFailed.class);
    }

    @Test
    void aCommandDeclaringTwoGigabytesIsRefusedAtItsHeader() {
        MeteredAllocator alloc = new MeteredAllocator();
        EmbeddedChannel ch = dealer(alloc);
        HandshakeFailed failed = feedDeclared(ch, alloc, ZmtpFrame.FLAG_COMMAND, FrameDecoder.MAX_FRAME_SIZE);
        assertThat(alloc.peak()).as("bytes the codec held at once").isLessThan(4096);
        assertThat(ch.isOpen()).as("closed at the header, before its body arrived").isFalse();
        assertThat(failed).isNotNull();
        assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
        assertThat(failed.detail()).contains("2147483631").contains("65536").contains("maxHandshakeFrameSize")
                .contains("at inbound byte 64");
        finish(ch);
    }

    @Test
    void aMessageFrameBeforeTheHandshakeIsHeldToTheSameLimit() {
        MeteredAllocator alloc = new MeteredAllocator();
        EmbeddedChannel ch = dealer(alloc);
        HandshakeFailed failed = feedDeclared(ch, alloc, 0, 1L << 30);
        assertThat(ch.isOpen()).isFalse();
        assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
        assertThat(failed.detail()).contains("1073741824").contains("maxHandshakeFrameSize");
        assertThat(alloc.peak()).isLessThan(4096);
        finish(ch);
    }

    @Test
    void theLimitItselfIsBufferedAndOneByteMoreIsNot() {
        MeteredAllocator alloc = new MeteredAllocator();
        EmbeddedChannel atLimit = dealer(alloc);
        write(atLimit, alloc, Unpooled.buffer().writeBytes(NULL_GREETING).writeByte(0x06).writeLong(LIMIT));
        write(atLimit, alloc, Unpooled.wrappedBuffer(new byte[(int) LIMIT - 1]));
        assertThat(atLimit.isOpen()).as("a command of exactly the limit is awaited").isTrue();
        // The body gathers in a heap buffer of the decoder's own (FrameDecoder's class comment), so
        // the channel's allocator only ever held the reads themselves.
        assertThat(alloc.peak()).as("read buffers held at once").isLessThan(2 * LIMIT + 64);
        finish(atLimit);

        MeteredAllocator alloc2 = new MeteredAllocator();
        EmbeddedChannel above = dealer(alloc2);
        HandshakeFailed failed = feedDeclared(above, alloc2, ZmtpFrame.FLAG_COMMAND, LIMIT + 1);
        assertThat(above.isOpen()).isFalse();
        assertThat(failed.detail()).contains("65537");
        finish(above);
    }

    /** A value as large as the default limit allows for our own handshake command. */
    private static Metadata blob(int bytes) {
        byte[] value = new byte[bytes];
        Arrays.fill(value, (byte) 'm');
        return Metadata.builder().put("X-Blob", value).build();
    }

    @Test
    void readyWithLargeMetadataUnderTheLimitCompletesForNullPlainAndCurve() {
        Metadata big = blob(60 * 1024);
        ZmtpConfig nullA = ZmtpConfig.builder(SocketType.DEALER).metadata(big).build();
        ZmtpConfig nullB = ZmtpConfig.builder(SocketType.ROUTER).metadata(big).build();
        assertCompletesWithMetadata(nullA, nullB);

        ZmtpConfig plainClient = ZmtpConfig.builder(SocketType.DEALER).metadata(big)
                .mechanism(() -> io.zmtp.codec.mechanism.PlainMechanism.client("u", "p")).build();
        ZmtpConfig plainServer = ZmtpConfig.builder(SocketType.ROUTER).metadata(big)
                .mechanism(io.zmtp.codec.mechanism.PlainMechanism::server)
                .authenticator(r -> java.util.concurrent.CompletableFuture.completedFuture(
                        new io.zmtp.codec.auth.AuthResult(200, "OK", "u", Metadata.empty())))
                .build();
        assertCompletesWithMetadata(plainClient, plainServer);

        CurveKeyPair server = CurveKeyPair.generate();
        ZmtpConfig curveClient = ZmtpConfig.builder(SocketType.DEALER).metadata(big)
                .curveClient(server.publicKey(), CurveKeyPair.generate()).build();
        ZmtpConfig curveServer = ZmtpConfig.builder(SocketType.ROUTER).metadata(big).curveServer(server).build();
        assertCompletesWithMetadata(curveClient, curveServer);
    }

    private static void assertCompletesWithMetadata(ZmtpConfig a, ZmtpConfig b) {
        try (EmbeddedPair pair = new EmbeddedPair(a, b)) {
            pair.pump();
            for (EmbeddedChannel ch : new EmbeddedChannel[] {pair.a, pair.b}) {
                HandshakeCompleted done = pair.events(ch).first(HandshakeCompleted.class);
                assertThat(done).as("%s: %s", a.mechanismName(), pair.events(ch).first(HandshakeFailed.class)).isNotNull();
                assertThat(done.peerMetadata().get("X-Blob")).hasSize(60 * 1024);
            }
        }
    }

    @Test
    void readyAboveThePeersLimitFailsTheHandshakeNamingTheLimit() {
        ZmtpConfig generous = ZmtpConfig.builder(SocketType.DEALER).maxHandshakeFrameSize(1 << 20)
                .metadata(blob(100 * 1024)).build();
        ZmtpConfig strict = ZmtpConfig.builder(SocketType.ROUTER).build();
        try (EmbeddedPair pair = new EmbeddedPair(generous, strict)) {
            pair.pump();
            HandshakeFailed failed = pair.events(pair.b).first(HandshakeFailed.class);
            assertThat(failed).isNotNull();
            assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
            assertThat(failed.detail()).contains("maxHandshakeFrameSize").contains("65536");
            assertThat(pair.b.isOpen()).isFalse();
        }
    }

    @Test
    void afterTheHandshakeFramesAboveTheHandshakeLimitFlowForNullAndCurve() {
        assertLargeMessageArrives(ZmtpConfig.builder(SocketType.PUSH).build(), ZmtpConfig.builder(SocketType.PULL).build());
        CurveKeyPair server = CurveKeyPair.generate();
        assertLargeMessageArrives(
                ZmtpConfig.builder(SocketType.PUSH).curveClient(server.publicKey(), CurveKeyPair.generate()).build(),
                ZmtpConfig.builder(SocketType.PULL).curveServer(server).build());
    }

    private static void assertLargeMessageArrives(ZmtpConfig push, ZmtpConfig pull) {
        try (EmbeddedPair pair = new EmbeddedPair(push, pull)) {
            byte[] body = new byte[(int) (3 * LIMIT)];
            body[body.length - 1] = 7;
            pair.a.writeAndFlush(ZmtpMessage.ofBytes(body));
            pair.pump();
            ZmtpMessage received = pair.b.readInbound();
            assertThat(received).as("%s: %s", push.mechanismName(), pair.events(pair.b).exceptions).isNotNull();
            try {
                assertThat(received.bytes(0)).isEqualTo(body);
            } finally {
                received.release();
            }
        }
    }

    @Test
    void carelessSettingsAreRefusedWhenTheConfigIsBuilt() {
        assertThatThrownBy(() -> ZmtpConfig.builder(SocketType.DEALER).maxHandshakeFrameSize(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHandshakeFrameSize")
                .hasMessageContaining("1024");
        assertThatThrownBy(() -> ZmtpConfig.builder(SocketType.DEALER).metadata(blob(70 * 1024)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHandshakeFrameSize")
                .hasMessageContaining("would refuse");
        assertThat(ZmtpConfig.builder(SocketType.DEALER).maxHandshakeFrameSize(-1).metadata(blob(70 * 1024)).build()
                .maxHandshakeFrameSize()).isEqualTo(-1);
    }
}
