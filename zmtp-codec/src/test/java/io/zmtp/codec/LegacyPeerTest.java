package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.Ping;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.curve.CurveMechanism;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.codec.heartbeat.HeartbeatHandler;
import io.zmtp.codec.mechanism.PlainMechanism;
import io.zmtp.testing.EmbeddedPair;
import io.zmtp.testing.EventRecorder;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ZMTP 1.0 and 2.0 peers, byte for byte as libzmq 4.3.4 answers them (ZMTP.md §1.2, §10; the
 * zmtp20 probe): the 12-byte greeting or none, identity frames in place of READY, RFC 13's and
 * RFC 15's framing, subscriptions as messages, and refusal whenever security is in use.
 */
class LegacyPeerTest {
    private static final String SIGNATURE = "FF 00 00 00 00 00 00 00 01 7F";

    private static byte[] readAllOutbound(EmbeddedChannel ch) {
        return Hex.drainOutbound(ch);
    }

    @Test
    void answersAZmtp20GreetingWithItsSocketTypeLikeLibzmq() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.PULL).build());
        EventRecorder rec = EmbeddedPair.recorder(ch);
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes(SIGNATURE));
        ch.writeInbound(Hex.buf(SIGNATURE));
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("03"));
        // Revision 01 (ZMTP 2.0) and the peer's type PUSH (08): our type PULL (07), then our empty identity.
        ch.writeInbound(Hex.buf("01 08"));
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("07 00 00"));
        assertThat(rec.first(HandshakeCompleted.class)).isNull();
        ch.writeInbound(Hex.buf("00 00"));
        HandshakeCompleted done = rec.first(HandshakeCompleted.class);
        assertThat(done.peerVersion()).isEqualTo(ZmtpVersion.V2_0);
        assertThat(done.peerSocketType()).isEqualTo(SocketType.PUSH);
        assertThat(done.peerIdentity()).isEmpty();
        assertThat(ch.pipeline().get(HeartbeatHandler.class)).isNull();
        // The probe's two frames: short form and long form.
        ch.writeInbound(Hex.buf("00 05 'hello' 02 00 00 00 00 00 00 00 03 'big'"));
        ZmtpMessage hello = ch.readInbound();
        ZmtpMessage big = ch.readInbound();
        assertThat(hello.string(0)).isEqualTo("hello");
        assertThat(big.string(0)).isEqualTo("big");
        hello.release();
        big.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void sendsTheIdentityAndZmtp20FramesToAZmtp20Peer() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.DEALER).identity(Hex.bytes("'me'")).build());
        EventRecorder rec = EmbeddedPair.recorder(ch);
        ChannelFuture early = ch.writeAndFlush(ZmtpMessage.ofStrings("", "early"));
        readAllOutbound(ch);
        ch.writeInbound(Hex.buf(SIGNATURE + " 01 06 00 03 'you'"));
        HandshakeCompleted done = rec.first(HandshakeCompleted.class);
        assertThat(done.peerSocketType()).isEqualTo(SocketType.ROUTER);
        assertThat(done.peerIdentity()).isEqualTo(Hex.bytes("'you'"));
        assertThat(early.isSuccess()).isTrue();
        // 03 (our revision), 05 (DEALER), identity 'me', then the message that waited for the handshake.
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("03 05 00 02 'me' 01 00 00 05 'early'"));
        byte[] body = new byte[300];
        ch.writeAndFlush(ZmtpMessage.of(Unpooled.wrappedBuffer(body)));
        byte[] out = readAllOutbound(ch);
        assertThat(out).startsWith(Hex.bytes("02 00 00 00 00 00 00 01 2C"));
        assertThat(out).hasSize(9 + 300);
        ch.finishAndReleaseAll();
    }

    @Test
    void speaksRfc13FramingToAVersionedZmtp10Peer() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.PAIR).build());
        EventRecorder rec = EmbeddedPair.recorder(ch);
        readAllOutbound(ch);
        // Revision 00 is ZMTP 1.0 behind a 12-byte greeting; its identity frame is length 1 (the flags), flags 0.
        ch.writeInbound(Hex.buf(SIGNATURE + " 00 00 01 00"));
        assertThat(rec.first(HandshakeCompleted.class).peerVersion()).isEqualTo(ZmtpVersion.V1_0);
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("03 00 01 00"));
        // A two-frame message, the first with MORE; the length counts the flags octet.
        ch.writeInbound(Hex.buf("03 01 'ab' 04 00 'cde'"));
        ZmtpMessage m = ch.readInbound();
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.string(0)).isEqualTo("ab");
        assertThat(m.string(1)).isEqualTo("cde");
        m.release();
        ch.writeAndFlush(ZmtpMessage.ofStrings("x", "yz"));
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("02 01 'x' 03 00 'yz'"));
        ch.finishAndReleaseAll();
    }

    @Test
    void treatsAStreamWithoutGreetingAsUnversionedZmtp10() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.REP).identity(Hex.bytes("'rep'")).build());
        EventRecorder rec = EmbeddedPair.recorder(ch);
        // Our signature doubles as the header of our identity frame: length 4 (3 + flags), flags 7F.
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("FF 00 00 00 00 00 00 00 04 7F"));
        // 0MQ 2.x sends its identity frame at once (here 'id', flags 0), then a REQ request.
        ch.writeInbound(Hex.buf("03 00 'id' 01 01 05 00 'ping'"));
        HandshakeCompleted done = rec.first(HandshakeCompleted.class);
        assertThat(done.peerVersion()).isEqualTo(ZmtpVersion.V1_0);
        assertThat(done.peerIdentity()).isEqualTo(Hex.bytes("'id'"));
        assertThat(done.peerSocketType()).isNull();
        // Only the body of our identity follows.
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("'rep'"));
        ZmtpMessage request = ch.readInbound();
        assertThat(request.size()).isEqualTo(2);
        assertThat(request.frame(0).readableBytes()).isZero();
        assertThat(request.string(1)).isEqualTo("ping");
        request.release();
        byte[] body = new byte[254];
        ch.writeAndFlush(ZmtpMessage.of(Unpooled.wrappedBuffer(body)));
        byte[] out = readAllOutbound(ch);
        // 254 + 1 does not fit one octet: FF and eight length octets, then the flags.
        assertThat(out).startsWith(Hex.bytes("FF 00 00 00 00 00 00 00 FF 00"));
        assertThat(out).hasSize(10 + 254);
        ch.finishAndReleaseAll();
    }

    @Test
    void longRfc13HeaderCutAcrossReadsIsReassembled() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.PULL).build());
        readAllOutbound(ch);
        ch.writeInbound(Hex.buf(SIGNATURE + " 00 08 01 00 FF 00 00 00"));
        ch.writeInbound(Hex.buf("00 00 00 01"));
        ch.writeInbound(Hex.buf("2D 00"));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[300]));
        ZmtpMessage m = ch.readInbound();
        assertThat(m.frame(0).readableBytes()).isEqualTo(300);
        m.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aPublisherHearsASubscriptionToEverythingFromAnUnversionedPeer() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.PUB).build());
        ch.writeInbound(Hex.buf("01 00"));
        Subscribe phantom = ch.readInbound();
        assertThat(phantom.topic()).isEmpty();
        ch.finishAndReleaseAll();

        // A versioned ZMTP 2.0 subscriber forwards its subscriptions: no phantom one.
        EmbeddedChannel versioned = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.PUB).build());
        versioned.writeInbound(Hex.buf(SIGNATURE + " 01 02 00 00 00 02 01 'a'"));
        ZmtpMessage sub = versioned.readInbound();
        assertThat(sub.frame(0).getByte(0)).isEqualTo((byte) 1);
        sub.release();
        assertThat((Object) versioned.readInbound()).isNull();
        versioned.finishAndReleaseAll();
    }

    @Test
    void subscriptionsGoAsMessagesAndOtherCommandsAreRefused() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.SUB).build());
        readAllOutbound(ch);
        ch.writeInbound(Hex.buf(SIGNATURE + " 01 01 00 00"));
        readAllOutbound(ch);
        ch.writeAndFlush(new Subscribe(Hex.bytes("'t'")));
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("00 02 01 't'"));
        ChannelFuture ping = ch.writeAndFlush(new Ping(10, new byte[0]));
        assertThat(ping.isSuccess()).isFalse();
        assertThat(ping.cause()).hasMessageContaining("ZMTP 2.0").hasMessageContaining("PING");
        ch.finishAndReleaseAll();
    }

    @Test
    void anIdentityLongerThanARoutingIdIsRefused() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.ROUTER).build());
        EventRecorder rec = EmbeddedPair.recorder(ch);
        ByteBuf in = Unpooled.buffer().writeBytes(Hex.bytes(SIGNATURE + " 01 05 02 00 00 00 00 00 00 01 00"));
        ch.writeInbound(in.writeBytes(new byte[256]));
        HandshakeFailed failed = rec.first(HandshakeFailed.class);
        assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
        assertThat(failed.detail()).contains("256 bytes");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aZeroLengthRfc13FrameIsAProtocolError() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.PULL).build());
        EventRecorder rec = EmbeddedPair.recorder(ch);
        ch.writeInbound(Hex.buf("01 00 00 00"));
        assertThat(rec.exceptions).anySatisfy(e -> assertThat(e).hasMessageContaining("length 0"));
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void refusesLegacyPeersWhenSecurityIsInUseAsLibzmqDoes() {
        CurveKeyPair server = CurveKeyPair.generate();
        ZmtpConfig[] secured = {
                ZmtpConfig.builder(SocketType.DEALER).mechanism(() -> PlainMechanism.client("u", "p")).build(),
                ZmtpConfig.builder(SocketType.DEALER).mechanism(() -> CurveMechanism.client(server.publicKey(),
                        CurveKeyPair.generate())).build(),
                ZmtpConfig.builder(SocketType.DEALER).zapDomain("global").build(),
                // An address whitelist on a NULL socket (the config server's): no bypass by an old peer.
                ZmtpConfig.builder(SocketType.ROUTER).authenticator(r -> CompletableFuture.completedFuture(
                        AuthResult.ok("anyone"))).build(),
        };
        for (ZmtpConfig config : secured) {
            for (String peer : new String[] {SIGNATURE + " 01 05", "06 00 'hello'"}) {
                EmbeddedChannel ch = EmbeddedPair.channel(config);
                EventRecorder rec = EmbeddedPair.recorder(ch);
                ch.writeInbound(Hex.buf(peer));
                HandshakeFailed failed = rec.first(HandshakeFailed.class);
                assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.VERSION);
                assertThat(failed.detail()).contains("ZMTP 1.0/2.0 have no security");
                assertThat(ch.isOpen()).isFalse();
                ch.finishAndReleaseAll();
            }
        }
    }

    @Test
    void refusesLegacyPeersForTypesZmtp20DoesNotKnow() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.CLIENT).build());
        EventRecorder rec = EmbeddedPair.recorder(ch);
        ch.writeInbound(Hex.buf(SIGNATURE + " 01 06"));
        HandshakeFailed failed = rec.first(HandshakeFailed.class);
        assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.VERSION);
        assertThat(failed.detail()).contains("ZMTP 2.0").contains("no CLIENT socket type");
        ch.finishAndReleaseAll();
    }

    @Test
    void revisionTwoIsReadAsZmtp31AsLibzmqReadsIt() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.DEALER).build());
        readAllOutbound(ch);
        ch.writeInbound(Hex.buf(SIGNATURE + " 02"));
        // The rest of a 3.x greeting, not a socket type octet.
        assertThat(readAllOutbound(ch)).hasSize(1 + 53);
        ch.finishAndReleaseAll();
    }
}
