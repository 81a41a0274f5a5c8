package io.zmtp.codec.handshake;

import io.netty.channel.ChannelFuture;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.auth.PlainPasswordAuthenticator;
import io.zmtp.codec.mechanism.PlainMechanism;
import io.zmtp.testing.EmbeddedPair;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Whole handshakes between two instances of the codec, over in-memory channels. */
class HandshakeTest {
    private static ZmtpConfig plainServer(SocketType type) {
        return ZmtpConfig.builder(type).mechanism(PlainMechanism::server)
                .authenticator(new PlainPasswordAuthenticator(Map.of("admin", "secret"))).build();
    }

    private static ZmtpConfig plainClient(SocketType type, String password) {
        return ZmtpConfig.builder(type).mechanism(() -> PlainMechanism.client("admin", password)).build();
    }

    @Test
    void plainClientAndServerComplete() {
        ZmtpConfig client = ZmtpConfig.builder(SocketType.REQ).mechanism(() -> PlainMechanism.client("admin", "secret"))
                .metadata(Metadata.builder().put("X-Node", "n1").build()).build();
        try (EmbeddedPair pair = new EmbeddedPair(client, plainServer(SocketType.REP))) {
            ChannelFuture sent = pair.a.writeAndFlush(ZmtpMessage.ofStrings("", "ping"));
            pair.pump();
            HandshakeCompleted atServer = pair.events(pair.b).first(HandshakeCompleted.class);
            assertThat(atServer.mechanism()).isEqualTo("PLAIN");
            assertThat(atServer.userId()).isEqualTo("admin");
            assertThat(atServer.peerSocketType()).isEqualTo(SocketType.REQ);
            assertThat(atServer.peerMetadata().getString("x-node")).isEqualTo("n1");
            assertThat(pair.events(pair.a).first(HandshakeCompleted.class).peerSocketType()).isEqualTo(SocketType.REP);
            assertThat(sent.isSuccess()).isTrue();
            ZmtpMessage m = pair.b.readInbound();
            assertThat(m.string(1)).isEqualTo("ping");
            m.release();
        }
    }

    @Test
    void plainWrongPasswordIsRefusedOnBothSides() {
        try (EmbeddedPair pair = new EmbeddedPair(plainClient(SocketType.DEALER, "wrong"), plainServer(SocketType.ROUTER))) {
            ChannelFuture sent = pair.a.writeAndFlush(ZmtpMessage.ofStrings("never"));
            pair.pump();
            HandshakeFailed atServer = pair.events(pair.b).first(HandshakeFailed.class);
            assertThat(atServer.reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
            assertThat(atServer.detail()).contains("admin").contains("400");
            HandshakeFailed atClient = pair.events(pair.a).first(HandshakeFailed.class);
            assertThat(atClient.reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
            assertThat(atClient.reason().retryable()).isFalse();
            assertThat(sent.isSuccess()).isFalse();
            assertThat(pair.a.isOpen()).isFalse();
            assertThat(pair.b.isOpen()).isFalse();
        }
    }

    @Test
    void plainServerWithoutAuthenticatorIsAConfigurationError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        ZmtpConfig.builder(SocketType.REP).mechanism(PlainMechanism::server).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authenticator");
    }

    @Test
    void socketTypeMismatchSendsErrorAndCloses() {
        try (EmbeddedPair pair = new EmbeddedPair(ZmtpConfig.builder(SocketType.PUSH).build(),
                ZmtpConfig.builder(SocketType.REP).build())) {
            pair.pump();
            HandshakeFailed a = pair.events(pair.a).first(HandshakeFailed.class);
            assertThat(a.reason()).isEqualTo(HandshakeFailed.Reason.SOCKET_TYPE);
            assertThat(a.detail()).contains("REP").contains("PUSH");
            assertThat(pair.events(pair.b).first(HandshakeFailed.class).reason()).isIn(
                    HandshakeFailed.Reason.SOCKET_TYPE, HandshakeFailed.Reason.PROTOCOL);
            assertThat(pair.a.isOpen()).isFalse();
            assertThat(pair.b.isOpen()).isFalse();
        }
    }

    @Test
    void clientAndServerCompleteAndAreRefusedByClassicTypes() {
        try (EmbeddedPair pair = new EmbeddedPair(ZmtpConfig.builder(SocketType.CLIENT).build(),
                ZmtpConfig.builder(SocketType.SERVER).build())) {
            pair.pump();
            assertThat(pair.events(pair.a).first(HandshakeCompleted.class).peerSocketType()).isEqualTo(SocketType.SERVER);
            assertThat(pair.events(pair.b).first(HandshakeCompleted.class).peerSocketType()).isEqualTo(SocketType.CLIENT);
        }
        try (EmbeddedPair pair = new EmbeddedPair(ZmtpConfig.builder(SocketType.CLIENT).build(),
                ZmtpConfig.builder(SocketType.ROUTER).build())) {
            pair.pump();
            HandshakeFailed a = pair.events(pair.a).first(HandshakeFailed.class);
            assertThat(a.reason()).isEqualTo(HandshakeFailed.Reason.SOCKET_TYPE);
            assertThat(a.detail()).contains("ROUTER");
        }
    }

    /** ZAP_ENFORCE_DOMAIN: the authenticator only for a server with a domain; a domain without one refuses. */
    @Test
    void zapEnforceDomainAsksOnlyWithADomainAndRefusesWithoutAnAuthenticator() {
        ZmtpConfig noHandler = ZmtpConfig.builder(SocketType.PULL).zapDomain("global").zapEnforceDomain(true).build();
        try (EmbeddedPair pair = new EmbeddedPair(ZmtpConfig.builder(SocketType.PUSH).build(), noHandler)) {
            pair.pump();
            assertThat(pair.events(pair.b).first(HandshakeFailed.class).reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
        }
        ZmtpConfig lax = ZmtpConfig.builder(SocketType.PULL).zapDomain("global").build();
        try (EmbeddedPair pair = new EmbeddedPair(ZmtpConfig.builder(SocketType.PUSH).build(), lax)) {
            pair.pump();
            assertThat(pair.events(pair.b).first(HandshakeCompleted.class)).isNotNull();
        }
        ZmtpConfig noDomain = ZmtpConfig.builder(SocketType.PULL).zapEnforceDomain(true)
                .authenticator(req -> CompletableFuture.completedFuture(new AuthResult(400, "no", "", Metadata.empty())))
                .build();
        try (EmbeddedPair pair = new EmbeddedPair(ZmtpConfig.builder(SocketType.PUSH).build(), noDomain)) {
            pair.pump();
            assertThat(pair.events(pair.b).first(HandshakeCompleted.class)).as("not asked without a domain").isNotNull();
        }
    }

    @Test
    void nullAuthenticatorDenialSendsTheStatusCode() {
        ZmtpConfig guarded = ZmtpConfig.builder(SocketType.PULL).zapDomain("global")
                .authenticator(req -> CompletableFuture.completedFuture(AuthResult.denied("address " + req.address()))).build();
        try (EmbeddedPair pair = new EmbeddedPair(ZmtpConfig.builder(SocketType.PUSH).build(), guarded)) {
            pair.pump();
            assertThat(pair.events(pair.b).first(HandshakeFailed.class).reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
            HandshakeFailed atPush = pair.events(pair.a).first(HandshakeFailed.class);
            assertThat(atPush.reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
            assertThat(atPush.detail()).contains("400");
        }
    }

    @Test
    void asynchronousAuthenticatorIsAwaited() {
        CompletableFuture<AuthResult> answer = new CompletableFuture<>();
        ZmtpConfig guarded = ZmtpConfig.builder(SocketType.PULL).authenticator(req -> answer).build();
        try (EmbeddedPair pair = new EmbeddedPair(ZmtpConfig.builder(SocketType.PUSH).build(), guarded)) {
            pair.pump();
            assertThat(pair.events(pair.b).first(HandshakeCompleted.class)).isNull();
            answer.complete(AuthResult.ok("node-7"));
            pair.pump();
            assertThat(pair.events(pair.b).first(HandshakeCompleted.class).userId()).isEqualTo("node-7");
            assertThat(pair.events(pair.a).first(HandshakeCompleted.class)).isNotNull();
        }
    }

    @Test
    void handshakeTimesOutWhenThePeerIsSilent() {
        ZmtpConfig config = ZmtpConfig.builder(SocketType.DEALER).handshakeTimeout(Duration.ofMillis(500)).build();
        // Frozen before the timer starts: freezing after construction let the real time the
        // construction took count too, and a slow start (a cold JVM in CI) hit the deadline early.
        try (EmbeddedPair pair = EmbeddedPair.withFrozenTime(config, config)) {
            pair.a.advanceTimeBy(499, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            assertThat(pair.a.isOpen()).isTrue();
            pair.a.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            pair.a.runPendingTasks();
            HandshakeFailed failed = pair.events(pair.a).first(HandshakeFailed.class);
            assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.TIMEOUT);
            assertThat(failed.reason().retryable()).isTrue();
            assertThat(pair.a.isOpen()).isFalse();
        }
    }

    @Test
    void dataBeforeTheHandshakeIsAProtocolError() {
        try (EmbeddedPair pair = new EmbeddedPair(ZmtpConfig.builder(SocketType.DEALER).build(),
                ZmtpConfig.builder(SocketType.DEALER).build())) {
            // Deliver b's greeting to a, then a data frame instead of READY.
            io.netty.buffer.ByteBuf out;
            while ((out = pair.b.readOutbound()) != null) {
                pair.a.writeInbound(out);
            }
            while ((out = pair.a.readOutbound()) != null) {
                pair.b.writeInbound(out);
            }
            while ((out = pair.b.readOutbound()) != null) {
                pair.a.writeInbound(out);
            }
            pair.a.writeInbound(io.zmtp.testing.Hex.buf("00 02 'hi'"));
            HandshakeFailed failed = pair.events(pair.a).first(HandshakeFailed.class);
            assertThat(failed).isNotNull();
            assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
        }
    }
}
