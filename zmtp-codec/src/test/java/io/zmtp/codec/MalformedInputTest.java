package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.testing.EmbeddedPair;
import io.zmtp.testing.EventRecorder;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input into the whole codec, as a server would see it: random bytes, random bytes after a
 * valid handshake, and hand-made bad lengths. The connection must either wait for more bytes or
 * close with a reported reason; nothing may escape as an exception, hang, or leak (the leak
 * detector runs at PARANOID and fails the class).
 */
class MalformedInputTest {
    private static final long SEED = 0x5EED_2026L;

    /** A libzmq-style NULL greeting followed by READY from a ROUTER. */
    private static byte[] validPeerOpening() {
        byte[] greeting = new byte[64];
        System.arraycopy(Hex.bytes("FF 00 00 00 00 00 00 00 01 7F 03 01 'NULL'"), 0, greeting, 0, 16);
        byte[] ready = Hex.bytes("04 29 05 'READY' 0B 'Socket-Type' 00 00 00 06 'ROUTER' 08 'Identity' 00 00 00 00");
        byte[] out = new byte[greeting.length + ready.length];
        System.arraycopy(greeting, 0, out, 0, 64);
        System.arraycopy(ready, 0, out, 64, ready.length);
        return out;
    }

    private static EmbeddedChannel dealer(long maxFrameSize) {
        return EmbeddedPair.channel(ZmtpConfig.builder(SocketType.DEALER).maxFrameSize(maxFrameSize).build());
    }

    /** Feeds {@code bytes} in random chunks; stops when the channel closes. */
    private static void feed(EmbeddedChannel ch, byte[] bytes, Random r) {
        int at = 0;
        while (at < bytes.length && ch.isOpen()) {
            int n = Math.min(bytes.length - at, 1 + r.nextInt(64));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
            at += n;
        }
        ch.checkException();
    }

    private static void drain(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readInbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void randomBytesInsteadOfAGreeting() {
        Random r = new Random(SEED);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[r.nextInt(2000)];
            r.nextBytes(junk);
            if (i % 3 == 0 && junk.length > 10) {
                junk[0] = (byte) 0xFF;
                junk[9] = 0x7F;
            }
            EmbeddedChannel ch = dealer(-1);
            feed(ch, junk, r);
            EventRecorder rec = EmbeddedPair.recorder(ch);
            if (!ch.isOpen()) {
                // Junk that starts with anything but a signature is an unversioned ZMTP/1.0 stream
                // (libzmq reads it so): its first frame may pass as an identity, and a later frame
                // then breaks the connection with a reported protocol error.
                boolean legacyThenBroken = rec.first(HandshakeCompleted.class) != null
                        && rec.first(HandshakeCompleted.class).peerVersion().isLegacy()
                        && !rec.exceptions.isEmpty();
                assertThat(rec.first(HandshakeFailed.class) != null || legacyThenBroken)
                        .as("case %d (seed %x) closed without a reason", i, SEED).isTrue();
            }
            drain(ch);
        }
    }

    @Test
    void randomBytesAfterAValidHandshake() {
        Random r = new Random(SEED + 1);
        byte[] opening = validPeerOpening();
        int closedWithError = 0;
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[r.nextInt(2000)];
            r.nextBytes(junk);
            byte[] input = new byte[opening.length + junk.length];
            System.arraycopy(opening, 0, input, 0, opening.length);
            System.arraycopy(junk, 0, input, opening.length, junk.length);
            EmbeddedChannel ch = dealer(r.nextBoolean() ? -1 : 512);
            feed(ch, input, r);
            EventRecorder rec = EmbeddedPair.recorder(ch);
            assertThat(rec.first(HandshakeCompleted.class)).as("case %d", i).isNotNull();
            if (!ch.isOpen()) {
                boolean reported = !rec.exceptions.isEmpty();
                assertThat(reported).as("case %d (seed %x) closed without a reported error", i, SEED + 1).isTrue();
                assertThat(rec.exceptions).allMatch(e -> e instanceof ZmtpProtocolException);
                closedWithError++;
            }
            drain(ch);
        }
        assertThat(closedWithError).as("some random streams must be refused").isPositive();
    }

    @Test
    void aTruncatedGreetingWaitsQuietly() {
        byte[] opening = validPeerOpening();
        for (int cut = 0; cut < 64; cut++) {
            EmbeddedChannel ch = dealer(-1);
            ch.writeInbound(Unpooled.wrappedBuffer(opening, 0, cut));
            assertThat(ch.isOpen()).as("cut at %d", cut).isTrue();
            assertThat(EmbeddedPair.recorder(ch).events).as("cut at %d", cut).isEmpty();
            drain(ch);
        }
    }

    private static HandshakeFailed afterGreeting(String frames, long maxFrameSize) {
        byte[] opening = validPeerOpening();
        EmbeddedChannel ch = dealer(maxFrameSize);
        ByteBuf in = Unpooled.buffer().writeBytes(opening, 0, 64).writeBytes(Hex.bytes(frames));
        ch.writeInbound(in);
        HandshakeFailed failed = EmbeddedPair.recorder(ch).first(HandshakeFailed.class);
        assertThat(ch.isOpen()).isFalse();
        drain(ch);
        return failed;
    }

    @Test
    void hugeOrNegativeSizesAreRefusedWithoutAllocation() {
        assertThat(afterGreeting("06 7F FF FF FF FF FF FF FF", -1).detail()).contains("9223372036854775807");
        assertThat(afterGreeting("06 00 00 00 02 80 00 00 00", -1).detail()).contains("10737418240");
        assertThat(afterGreeting("06 80 00 00 00 00 00 00 00", -1).detail()).contains("exceeds");
        assertThat(afterGreeting("06 00 00 00 00 00 00 04 01", 1024).detail()).contains("1025").contains("1024");
    }

    @Test
    void malformedHandshakeCommandsAreProtocolErrors() {
        String[] bad = {
            "04 01 00",                                                      // empty command name
            "04 02 09 'R'",                                                  // name longer than the frame
            "04 1A 05 'READY' 0B 'Socket-Type' 00 00 00 03 'PUB' 00",         // stray trailing byte
            "04 15 05 'READY' 0B 'Socket-Type' 7F FF FF FF",                  // value longer than the frame
            "04 05 04 'PING'",                                               // not a NULL handshake command
            "00 02 'hi'",                                                    // data before READY
        };
        for (String frames : bad) {
            HandshakeFailed failed = afterGreeting(frames, -1);
            assertThat(failed).as(frames).isNotNull();
            assertThat(failed.reason()).as(frames).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
        }
    }
}
