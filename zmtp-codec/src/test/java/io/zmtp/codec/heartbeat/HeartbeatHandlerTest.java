package io.zmtp.codec.heartbeat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.testing.EmbeddedPair;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatHandlerTest {
    private static ZmtpConfig heartbeating(long ivl, long timeout, long ttl) {
        return ZmtpConfig.builder(SocketType.DEALER).heartbeatInterval(Duration.ofMillis(ivl))
                .heartbeatTimeout(Duration.ofMillis(timeout)).heartbeatTtl(Duration.ofMillis(ttl)).build();
    }

    private static byte[] outbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        return Hex.drain(all);
    }

    private static EmbeddedPair connected(ZmtpConfig a, ZmtpConfig b) {
        EmbeddedPair pair = new EmbeddedPair(a, b);
        pair.a.freezeTime();
        pair.b.freezeTime();
        pair.pump();
        return pair;
    }

    @Test
    void sendsPingsEveryIntervalAndStaysUpWhileThePeerAnswers() {
        try (EmbeddedPair pair = connected(heartbeating(100, 300, 1500), ZmtpConfig.builder(SocketType.DEALER).build())) {
            for (int i = 0; i < 10; i++) {
                pair.a.advanceTimeBy(100, TimeUnit.MILLISECONDS);
                pair.a.runPendingTasks();
                pair.pump();
            }
            assertThat(pair.a.isOpen()).isTrue();
            assertThat(pair.events(pair.a).first(HeartbeatTimeout.class)).isNull();
        }
    }

    @Test
    void pingBytesCarryTheTtlInDeciseconds() {
        try (EmbeddedPair pair = connected(heartbeating(100, 300, 1500), ZmtpConfig.builder(SocketType.DEALER).build())) {
            pair.a.advanceTimeBy(100, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            assertThat(outbound(pair.a)).isEqualTo(Hex.bytes("04 07 04 'PING' 00 0F"));
        }
    }

    @Test
    void closesWhenNothingArrivesWithinTheTimeoutAfterAPing() {
        try (EmbeddedPair pair = connected(heartbeating(100, 300, 0), ZmtpConfig.builder(SocketType.DEALER).build())) {
            // The peer goes silent: we never pump again.
            pair.a.advanceTimeBy(100, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            pair.a.advanceTimeBy(299, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            assertThat(pair.a.isOpen()).isTrue();
            pair.a.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            assertThat(pair.events(pair.a).first(HeartbeatTimeout.class)).isNotNull();
            assertThat(pair.a.isOpen()).isFalse();
        }
    }

    @Test
    void anyTrafficCountsAsLifeNotOnlyPong() {
        try (EmbeddedPair pair = connected(heartbeating(100, 150, 0), ZmtpConfig.builder(SocketType.DEALER).build())) {
            outbound(pair.a);
            outbound(pair.b);
            for (int i = 0; i < 5; i++) {
                pair.a.advanceTimeBy(100, TimeUnit.MILLISECONDS);
                pair.a.runPendingTasks();
                outbound(pair.a); // PINGs are lost, so no PONG ever comes back
                pair.a.writeInbound(Hex.buf("00 01 'x'"));
                ZmtpMessage m = pair.a.readInbound();
                m.release();
            }
            assertThat(pair.a.isOpen()).isTrue();
        }
    }

    @Test
    void messagesTakenByASinkStillCountAsLife() {
        try (EmbeddedPair pair = connected(heartbeating(100, 150, 0), ZmtpConfig.builder(SocketType.DEALER).build())) {
            outbound(pair.a);
            outbound(pair.b);
            List<ZmtpMessage> sunk = new ArrayList<>();
            pair.a.pipeline().get(FrameDecoder.class).deliverMessagesTo(sunk::add);
            for (int i = 0; i < 5; i++) {
                pair.a.advanceTimeBy(100, TimeUnit.MILLISECONDS);
                pair.a.runPendingTasks();
                outbound(pair.a); // PINGs are lost; only messages arrive, and they skip this handler
                pair.a.writeInbound(Hex.buf("00 01 'x'"));
            }
            assertThat(sunk).hasSize(5);
            sunk.forEach(ZmtpMessage::release);
            assertThat((Object) pair.a.readInbound()).isNull();
            assertThat(pair.a.isOpen()).isTrue();
            // Then silence: the timeout after the next PING still closes.
            pair.a.advanceTimeBy(100, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            pair.a.advanceTimeBy(150, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            assertThat(pair.a.isOpen()).isFalse();
        }
    }

    @Test
    void answersPingWithPongEchoingAtMostSixteenContextBytes() {
        try (EmbeddedPair pair = connected(ZmtpConfig.builder(SocketType.DEALER).build(), ZmtpConfig.builder(SocketType.DEALER).build())) {
            outbound(pair.a);
            pair.a.writeInbound(Hex.buf("04 1A 04 'PING' 00 00 '0123456789abcdefXYZ'"));
            assertThat(outbound(pair.a)).isEqualTo(Hex.bytes("04 15 04 'PONG' '0123456789abcdef'"));
            pair.a.writeInbound(Hex.buf("04 07 04 'PING' 00 00"));
            assertThat(outbound(pair.a)).isEqualTo(Hex.bytes("04 05 04 'PONG'"));
            assertThat((Object) pair.a.readInbound()).isNull();
        }
    }

    @Test
    void closesWhenThePeersTtlRunsOut() {
        try (EmbeddedPair pair = connected(ZmtpConfig.builder(SocketType.DEALER).build(), ZmtpConfig.builder(SocketType.DEALER).build())) {
            pair.a.writeInbound(Hex.buf("04 07 04 'PING' 00 05"));
            pair.a.advanceTimeBy(499, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            assertThat(pair.a.isOpen()).isTrue();
            pair.a.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            assertThat(pair.events(pair.a).first(HeartbeatTimeout.class).detail()).contains("TTL");
            assertThat(pair.a.isOpen()).isFalse();
        }
    }

    @Test
    void heartbeatsAreOffByDefault() {
        try (EmbeddedPair pair = connected(ZmtpConfig.builder(SocketType.DEALER).build(), ZmtpConfig.builder(SocketType.DEALER).build())) {
            outbound(pair.a);
            pair.a.advanceTimeBy(1, TimeUnit.HOURS);
            pair.a.runPendingTasks();
            assertThat(outbound(pair.a)).isEmpty();
            assertThat(pair.a.isOpen()).isTrue();
        }
    }
}
