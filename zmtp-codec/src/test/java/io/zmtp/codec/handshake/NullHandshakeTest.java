package io.zmtp.codec.handshake;

import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.testing.EmbeddedPair;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class NullHandshakeTest {
    @Test
    void dealerAndRouterCompleteAndExchangeMessages() {
        ZmtpConfig dealer = ZmtpConfig.builder(SocketType.DEALER).identity("abc".getBytes(StandardCharsets.US_ASCII)).build();
        ZmtpConfig router = ZmtpConfig.builder(SocketType.ROUTER).build();
        try (EmbeddedPair pair = new EmbeddedPair(dealer, router)) {
            pair.a.writeAndFlush(ZmtpMessage.ofStrings("hello", "world"));
            pair.pump();
            HandshakeCompleted atRouter = pair.events(pair.b).first(HandshakeCompleted.class);
            assertThat(atRouter).isNotNull();
            assertThat(atRouter.peerSocketType()).isEqualTo(SocketType.DEALER);
            assertThat(atRouter.peerIdentity()).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
            assertThat(atRouter.peerVersion()).isEqualTo(ZmtpVersion.V3_1);
            assertThat(atRouter.mechanism()).isEqualTo("NULL");
            HandshakeCompleted atDealer = pair.events(pair.a).first(HandshakeCompleted.class);
            assertThat(atDealer.peerSocketType()).isEqualTo(SocketType.ROUTER);
            assertThat(atDealer.peerIdentity()).isEmpty();
            assertThat(atDealer.peerMetadata().getString(Metadata.SOCKET_TYPE)).isEqualTo("ROUTER");

            ZmtpMessage received = pair.b.readInbound();
            try {
                assertThat(received.size()).isEqualTo(2);
                assertThat(received.string(0)).isEqualTo("hello");
                assertThat(received.string(1)).isEqualTo("world");
            } finally {
                received.release();
            }
            assertThat(pair.b.pipeline().get("zmtp-handshake")).isNull();
            assertThat(pair.b.pipeline().get("zmtp-greeting")).isNull();
        }
    }

    @Test
    void afterANullHandshakeTheDecoderAssemblesAndTheEncoderTakesDirectWrites() {
        ZmtpConfig push = ZmtpConfig.builder(SocketType.PUSH).build();
        ZmtpConfig pull = ZmtpConfig.builder(SocketType.PULL).build();
        try (EmbeddedPair pair = new EmbeddedPair(push, pull)) {
            pair.pump();
            assertThat(pair.b.pipeline().get("zmtp-message-assembler")).as("no assembler handler").isNull();
            FrameEncoder encoder = pair.a.pipeline().get(FrameEncoder.class);
            assertThat(encoder.acceptsDirectWrites()).isTrue();
            encoder.writeDirect(ZmtpMessage.ofStrings("direct", "write"));
            pair.a.flush();
            pair.pump();
            ZmtpMessage received = pair.b.readInbound();
            try {
                assertThat(received.size()).isEqualTo(2);
                assertThat(received.string(0) + " " + received.string(1)).isEqualTo("direct write");
            } finally {
                received.release();
            }
        }
    }

    @Test
    void directWritesAreRefusedBeforeTheHandshake() {
        FrameEncoder encoder = new FrameEncoder();
        assertThat(encoder.acceptsDirectWrites()).isFalse();
        ZmtpMessage m = ZmtpMessage.ofStrings("early");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> encoder.writeDirect(m))
                .isInstanceOf(IllegalStateException.class);
        assertThat(m.refCnt()).as("released, not leaked").isZero();
    }
}
