package io.zmtp.codec.curve;

import io.netty.channel.ChannelFuture;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.auth.AuthRequest;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.Ping;
import io.zmtp.codec.command.Pong;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CURVE between two instances of the codec over an in-memory wire that can watch and tamper. */
class CurveHandshakeTest {
    private static final CurveKeyPair SERVER = CurveKeyPair.generate();
    private static final CurveKeyPair CLIENT = CurveKeyPair.generate();

    private static ZmtpConfig server(SocketType type) {
        return ZmtpConfig.builder(type).curveServer(SERVER).build();
    }

    private static ZmtpConfig client(SocketType type) {
        return ZmtpConfig.builder(type).curveClient(SERVER.publicKey(), CLIENT).build();
    }

    private static long nonceOf(TappedPair.Frame message) {
        return ByteBuffer.wrap(message.body(), 8, 8).getLong();
    }

    /** Client REQ and server REP, a request and a reply exchanged. */
    private static TappedPair exchange(ZmtpConfig clientConfig, ZmtpConfig serverConfig) {
        TappedPair pair = new TappedPair(clientConfig, serverConfig);
        pair.client.writeAndFlush(ZmtpMessage.ofStrings("", "hello"));
        pair.pump();
        return pair;
    }

    @Test
    void handshakeAndMessagesHaveLibzmqsWireForm() {
        try (TappedPair pair = new TappedPair(client(SocketType.REQ), server(SocketType.REP))) {
            ChannelFuture sent = pair.client.writeAndFlush(ZmtpMessage.ofStrings("", "hello"));
            pair.pump();
            HandshakeCompleted atServer = pair.events(pair.server).first(HandshakeCompleted.class);
            assertThat(atServer.mechanism()).isEqualTo("CURVE");
            assertThat(atServer.peerSocketType()).isEqualTo(SocketType.REQ);
            assertThat(pair.events(pair.client).first(HandshakeCompleted.class).peerSocketType()).isEqualTo(SocketType.REP);
            assertThat(sent.isSuccess()).isTrue();
            ZmtpMessage request = pair.server.readInbound();
            assertThat(request.string(1)).isEqualTo("hello");
            request.release();
            pair.server.writeAndFlush(ZmtpMessage.ofStrings("", "world", ""));
            pair.pump();
            ZmtpMessage reply = pair.client.readInbound();
            assertThat(reply.size()).isEqualTo(3);
            assertThat(reply.string(1)).isEqualTo("world");
            reply.release();

            List<TappedPair.Frame> up = pair.toServer.frames;
            List<TappedPair.Frame> down = pair.toClient.frames;
            TappedPair.Frame hello = up.get(0);
            assertThat(hello.flags()).isEqualTo(0x04);
            assertThat(hello.body()).hasSize(200);
            assertThat(Arrays.copyOfRange(hello.body(), 0, 8)).isEqualTo(Hex.bytes("05 'HELLO' 01 00"));
            assertThat(Arrays.copyOfRange(hello.body(), 8, 80)).containsOnly(0);
            assertThat(ByteBuffer.wrap(hello.body(), 112, 8).getLong()).isEqualTo(1);
            TappedPair.Frame welcome = down.get(0);
            assertThat(welcome.flags()).isEqualTo(0x04);
            assertThat(welcome.body()).hasSize(168);
            assertThat(welcome.commandName()).isEqualTo("WELCOME");
            TappedPair.Frame initiate = up.get(1);
            assertThat(initiate.flags()).as("INITIATE is a LONG command frame").isEqualTo(0x06);
            assertThat(initiate.body().length).isGreaterThanOrEqualTo(257);
            assertThat(ByteBuffer.wrap(initiate.body(), 105, 8).getLong()).isEqualTo(2);
            TappedPair.Frame ready = down.get(1);
            assertThat(ready.commandName()).isEqualTo("READY");
            assertThat(ByteBuffer.wrap(ready.body(), 6, 8).getLong()).isEqualTo(1);

            // Messages: outer flags 00, one MESSAGE per frame, client nonces from 3, server's from 2.
            List<TappedPair.Frame> upMessages = up.subList(2, up.size());
            assertThat(upMessages).hasSize(2).allSatisfy(f -> {
                assertThat(f.flags()).isZero();
                assertThat(Arrays.copyOfRange(f.body(), 0, 8)).isEqualTo(Hex.bytes("07 'MESSAGE'"));
            });
            assertThat(upMessages.stream().map(CurveHandshakeTest::nonceOf)).containsExactly(3L, 4L);
            assertThat(upMessages.get(0).body()).hasSize(8 + 8 + 16 + 1);
            List<TappedPair.Frame> downMessages = down.subList(2, down.size());
            assertThat(downMessages).hasSize(3).allSatisfy(f -> assertThat(f.flags()).isZero());
            assertThat(downMessages.stream().map(CurveHandshakeTest::nonceOf)).containsExactly(2L, 3L, 4L);
        }
    }

    @Test
    void authenticatorSeesTheClientKeyAndItsAnswerReachesBothSides() {
        List<AuthRequest> asked = new CopyOnWriteArrayList<>();
        ZmtpConfig guarded = ZmtpConfig.builder(SocketType.REP).curveServer(SERVER).authenticator(req -> {
            asked.add(req);
            return CompletableFuture.completedFuture(AuthResult.ok("alice"));
        }).build();
        try (TappedPair pair = exchange(client(SocketType.REQ), guarded)) {
            assertThat(asked).singleElement().satisfies(r -> {
                assertThat(r.mechanism()).isEqualTo("CURVE");
                assertThat(r.credentials()).singleElement().isEqualTo(CLIENT.publicKey());
            });
            assertThat(pair.events(pair.server).first(HandshakeCompleted.class).userId()).isEqualTo("alice");
            ZmtpMessage m = pair.server.readInbound();
            assertThat(m.string(1)).isEqualTo("hello");
            m.release();
        }
    }

    @Test
    void refusedClientGetsError400AndBothSidesSayAuth() {
        ZmtpConfig guarded = ZmtpConfig.builder(SocketType.REP).curveServer(SERVER)
                .authenticator(req -> CompletableFuture.completedFuture(AuthResult.denied("unknown key"))).build();
        try (TappedPair pair = exchange(client(SocketType.REQ), guarded)) {
            HandshakeFailed atServer = pair.events(pair.server).first(HandshakeFailed.class);
            assertThat(atServer.reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
            assertThat(atServer.detail()).contains(CLIENT.publicKeyZ85()).contains("400");
            HandshakeFailed atClient = pair.events(pair.client).first(HandshakeFailed.class);
            assertThat(atClient.reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
            assertThat(atClient.detail()).contains("400");
            TappedPair.Frame error = pair.toClient.frames.get(pair.toClient.frames.size() - 1);
            assertThat(error.wire()).isEqualTo(Hex.bytes("04 0A 05 'ERROR' 03 '400'"));
            assertThat(pair.toClient.commandNames()).containsExactly("WELCOME", "ERROR");
            assertThat(pair.server.isOpen()).isFalse();
            assertThat(pair.client.isOpen()).isFalse();
            assertThat((Object) pair.server.readInbound()).isNull();
        }
    }

    @Test
    void wrongServerKeyIsRefusedWithoutErrorAndTheClientSaysWhy() {
        CurveKeyPair impostor = CurveKeyPair.generate();
        ZmtpConfig wrongKey = ZmtpConfig.builder(SocketType.REQ).curveClient(impostor.publicKey(), CLIENT).build();
        try (TappedPair pair = exchange(wrongKey, server(SocketType.REP))) {
            HandshakeFailed atServer = pair.events(pair.server).first(HandshakeFailed.class);
            assertThat(atServer.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
            assertThat(atServer.detail()).contains("HELLO does not open");
            assertThat(pair.toClient.frames).as("nothing after the greeting, no ERROR").isEmpty();
            HandshakeFailed atClient = pair.events(pair.client).first(HandshakeFailed.class);
            assertThat(atClient.reason()).isEqualTo(HandshakeFailed.Reason.CLOSED);
            assertThat(atClient.detail()).contains("server public key").contains(impostor.publicKeyZ85());
        }
    }

    @Test
    void welcomeThatDoesNotOpenFailsTheClientWithAClearDetail() {
        try (TappedPair pair = new TappedPair(client(SocketType.REQ), server(SocketType.REP))) {
            pair.toClient.tamper = (i, f) -> {
                byte[] body = f.body().clone();
                if (i == 0) {
                    body[100] ^= 0x01;
                }
                return List.of(TappedPair.frame(f.flags(), body));
            };
            pair.pump();
            HandshakeFailed atClient = pair.events(pair.client).first(HandshakeFailed.class);
            assertThat(atClient.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
            assertThat(atClient.detail()).contains("WELCOME does not open").contains(SERVER.publicKeyZ85());
            assertThat(pair.client.isOpen()).isFalse();
            assertThat(pair.events(pair.server).first(HandshakeCompleted.class)).isNull();
        }
    }

    @Test
    void flippedBitInAMessageClosesTheConnection() {
        try (TappedPair pair = new TappedPair(client(SocketType.REQ), server(SocketType.REP))) {
            pair.toServer.tamper = (i, f) -> {
                byte[] body = f.body().clone();
                if (i == 3) {
                    body[body.length - 1] ^= 0x10;
                }
                return List.of(TappedPair.frame(f.flags(), body));
            };
            pair.client.writeAndFlush(ZmtpMessage.ofStrings("", "first"));
            pair.pump();
            assertThat(pair.events(pair.server).first(HandshakeCompleted.class)).isNotNull();
            assertThat(pair.server.isOpen()).isFalse();
            assertThat(pair.events(pair.server).exceptions).singleElement()
                    .isInstanceOf(ZmtpProtocolException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains("nonce 4").contains("does not authenticate"));
            assertThat((Object) pair.server.readInbound()).as("the half-received message is dropped").isNull();
            assertThat(pair.client.isOpen()).isFalse();
        }
    }

    @Test
    void replayedMessageClosesTheConnectionAfterTheOriginal() {
        try (TappedPair pair = new TappedPair(client(SocketType.PUSH), server(SocketType.PULL))) {
            pair.toServer.tamper = (i, f) -> i == 2 ? List.of(f.wire(), f.wire()) : List.of(f.wire());
            pair.client.writeAndFlush(ZmtpMessage.ofStrings("once"));
            pair.client.writeAndFlush(ZmtpMessage.ofStrings("never"));
            pair.pump();
            ZmtpMessage first = pair.server.readInbound();
            assertThat(first.string(0)).isEqualTo("once");
            first.release();
            assertThat((Object) pair.server.readInbound()).isNull();
            assertThat(pair.server.isOpen()).isFalse();
            assertThat(pair.events(pair.server).exceptions).singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains("nonce 3").contains("not above"));
        }
    }

    @Test
    void clearFrameAfterTheHandshakeIsAProtocolError() {
        try (TappedPair pair = new TappedPair(client(SocketType.PUSH), server(SocketType.PULL))) {
            pair.pump();
            assertThat(pair.events(pair.server).first(HandshakeCompleted.class)).isNotNull();
            assertThat(pair.server.pipeline().get(io.zmtp.codec.FrameEncoder.class).acceptsDirectWrites())
                    .as("the frame encoder boxes, so direct writes are boxed too").isTrue();
            pair.server.writeInbound(Hex.buf("00 05 'plain'"));
            assertThat((Object) pair.server.readInbound()).isNull();
            assertThat(pair.server.isOpen()).isFalse();
            assertThat(pair.events(pair.server).exceptions).singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains("other than a MESSAGE"));
        }
    }

    @Test
    void truncatedHelloIsAProtocolError() {
        try (TappedPair pair = new TappedPair(client(SocketType.REQ), server(SocketType.REP))) {
            pair.toServer.tamper = (i, f) -> List.of(i == 0 ? TappedPair.frame(f.flags(), Arrays.copyOf(f.body(), 199)) : f.wire());
            pair.pump();
            HandshakeFailed atServer = pair.events(pair.server).first(HandshakeFailed.class);
            assertThat(atServer.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
            assertThat(atServer.detail()).contains("HELLO must be 200 bytes, got 199");
            assertThat(pair.server.isOpen()).isFalse();
            assertThat(pair.events(pair.client).first(HandshakeFailed.class).reason()).isEqualTo(HandshakeFailed.Reason.CLOSED);
        }
    }

    @Test
    void truncatedInitiateIsAProtocolError() {
        try (TappedPair pair = new TappedPair(client(SocketType.REQ), server(SocketType.REP))) {
            pair.toServer.tamper = (i, f) -> List.of(i == 1 ? TappedPair.frame(f.flags(), Arrays.copyOf(f.body(), 256)) : f.wire());
            pair.pump();
            HandshakeFailed atServer = pair.events(pair.server).first(HandshakeFailed.class);
            assertThat(atServer.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
            assertThat(atServer.detail()).contains("INITIATE must be at least 257 bytes, got 256");
        }
    }

    @Test
    void initiateWithAShortenedBoxDoesNotOpen() {
        try (TappedPair pair = new TappedPair(client(SocketType.REQ), server(SocketType.REP))) {
            pair.toServer.tamper = (i, f) -> List.of(i == 1
                    ? TappedPair.frame(f.flags(), Arrays.copyOf(f.body(), f.body().length - 1)) : f.wire());
            pair.pump();
            HandshakeFailed atServer = pair.events(pair.server).first(HandshakeFailed.class);
            assertThat(atServer.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
            assertThat(atServer.detail()).contains("INITIATE box does not open");
        }
    }

    @Test
    void subscriptionsAndHeartbeatsTravelInsideBoxes() {
        try (TappedPair pair = new TappedPair(client(SocketType.SUB), server(SocketType.PUB))) {
            pair.pump();
            CommandProbe atClient = CommandProbe.install(pair.client);
            CommandProbe atServer = CommandProbe.install(pair.server);
            pair.client.writeAndFlush(new Subscribe("weather".getBytes()));
            pair.client.writeAndFlush(new Ping(0, "ctx".getBytes()));
            pair.pump();
            Subscribe sub = pair.server.readInbound();
            assertThat(sub.topic()).isEqualTo("weather".getBytes());
            assertThat(atServer.seen).hasSize(2).element(1).isInstanceOf(Ping.class);
            assertThat(atClient.seen).singleElement().isInstanceOfSatisfying(Pong.class,
                    p -> assertThat(p.context()).isEqualTo("ctx".getBytes()));
            // On the wire: MESSAGE frames only, no clear commands after READY.
            assertThat(pair.toServer.frames.subList(2, pair.toServer.frames.size()))
                    .hasSize(2).allSatisfy(f -> assertThat(f.flags()).isZero());
            assertThat(pair.toClient.frames.subList(2, pair.toClient.frames.size()))
                    .singleElement().satisfies(f -> assertThat(f.flags()).isZero());
            pair.server.writeAndFlush(ZmtpMessage.ofStrings("weather", "sunny"));
            pair.pump();
            ZmtpMessage m = pair.client.readInbound();
            assertThat(m.string(1)).isEqualTo("sunny");
            m.release();
        }
    }

    @Test
    void configurationIsCheckedUpFront() {
        assertThatThrownBy(() -> CurveMechanism.client(new byte[31], CLIENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
        assertThatThrownBy(() -> CurveMechanism.server(null)).isInstanceOf(IllegalArgumentException.class);
        // A CURVE server does not need an authenticator (libzmq without a ZAP handler accepts everyone).
        assertThat(server(SocketType.REP).mechanismName()).isEqualTo("CURVE");
    }

    @Test
    void userMetadataTravelsInInitiateAndReady() {
        ZmtpConfig c = ZmtpConfig.builder(SocketType.DEALER).curveClient(SERVER.publicKey(), CLIENT)
                .identity("me".getBytes()).metadata(Metadata.builder().put("X-Node", "n1").build()).build();
        try (TappedPair pair = new TappedPair(c, server(SocketType.ROUTER))) {
            pair.pump();
            HandshakeCompleted atServer = pair.events(pair.server).first(HandshakeCompleted.class);
            assertThat(atServer.peerIdentity()).isEqualTo("me".getBytes());
            assertThat(atServer.peerMetadata().getString("X-Node")).isEqualTo("n1");
            assertThat(pair.events(pair.client).first(HandshakeCompleted.class).peerSocketType()).isEqualTo(SocketType.ROUTER);
        }
    }

    /**
     * Messages are opened in place in the received bytes, so a read-only read buffer (which the
     * decoder can be handed as its cumulation) must be copied first, not written into or refused;
     * and many messages in one read (frames above and below the decoder's copy threshold) all arrive.
     */
    @Test
    void messagesInOneReadOpenInPlaceAndAReadOnlyReadIsCopied() {
        io.zmtp.testing.EmbeddedPair pair = new io.zmtp.testing.EmbeddedPair(client(SocketType.PUSH), server(SocketType.PULL));
        try (pair) {
            pair.pump();
            byte[] big = new byte[3000];
            new java.util.Random(7).nextBytes(big);
            for (int i = 0; i < 5; i++) {
                pair.a.write(ZmtpMessage.of(io.netty.buffer.Unpooled.wrappedBuffer(big)));
                pair.a.write(ZmtpMessage.ofStrings("small " + i));
            }
            pair.a.flush();
            pair.a.runPendingTasks();
            io.netty.buffer.CompositeByteBuf all = io.netty.buffer.Unpooled.compositeBuffer();
            for (io.netty.buffer.ByteBuf out = pair.a.readOutbound(); out != null; out = pair.a.readOutbound()) {
                all.addComponent(true, out);
            }
            byte[] wire = io.netty.buffer.ByteBufUtil.getBytes(all);
            all.release();
            pair.b.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(wire).asReadOnly());
            for (int i = 0; i < 5; i++) {
                ZmtpMessage m = pair.b.readInbound();
                assertThat(io.netty.buffer.ByteBufUtil.getBytes(m.frame(0))).isEqualTo(big);
                m.release();
                ZmtpMessage small = pair.b.readInbound();
                assertThat(small.string(0)).isEqualTo("small " + i);
                small.release();
            }
            assertThat((Object) pair.b.readInbound()).isNull();
        }
    }
}
