package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.command.Cancel;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.ErrorCommand;
import io.zmtp.codec.command.Ping;
import io.zmtp.codec.command.Pong;
import io.zmtp.codec.command.Ready;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.codec.curve.CurveFuzzSeeds;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.curve.Z85;
import io.zmtp.codec.handshake.HandshakeFuzzSeeds;
import io.zmtp.testing.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the fuzz targets' seed corpora (Jazzer's inputs directories under src/test/resources)
 * from real captures: the bytes the codec itself sends in successful handshakes and exchanges.
 * Not part of a normal run; regenerate with
 * {@code mvn -o test -pl zmtp-codec -Dtest=FuzzSeedWriter -Dzmtp.fuzz.writeSeeds=true}.
 */
@EnabledIfSystemProperty(named = "zmtp.fuzz.writeSeeds", matches = "true")
class FuzzSeedWriter {
    private static byte[] greeting(int major, int minor, String mechanism) {
        ByteBuf g = Unpooled.buffer(64);
        Greeting.writeSignature(g, 0);
        Greeting.writeRest(g, new ZmtpVersion(major, minor), mechanism, false);
        try {
            return ByteBufUtil.getBytes(g);
        } finally {
            g.release();
        }
    }

    private static byte[] body(Command command) {
        ByteBuf b = Unpooled.buffer();
        command.encode(b);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static byte[] encoded(Object... messages) {
        return FuzzSeeds.encoded(new FrameEncoder(), messages);
    }

    @Test
    void writeSeeds() throws IOException {
        byte[][] bigFrames = {new byte[300], new byte[0], "tail".getBytes(StandardCharsets.US_ASCII)};
        ZmtpMessage big = ZmtpMessage.ofBytes(bigFrames);
        byte[] nullDealer = FuzzSeeds.capture(ZmtpConfig.builder(SocketType.DEALER).identity("peer-1".getBytes(StandardCharsets.US_ASCII))
                .build(), ZmtpConfig.builder(SocketType.ROUTER).build(), ZmtpMessage.ofStrings("", "hello"), big);

        for (String mechanism : new String[] {"NULL", "PLAIN", "CURVE"}) {
            FuzzSeeds.seed(GreetingFuzzTest.class, "greeting", "greeting-3.1-" + mechanism, prefixed(greeting(3, 1, mechanism)));
            FuzzSeeds.seed(GreetingFuzzTest.class, "greeting", "greeting-3.0-" + mechanism, prefixed(greeting(3, 0, mechanism)));
        }
        FuzzSeeds.seed(GreetingFuzzTest.class, "greeting", "greeting-2.0", prefixed(greeting(1, 0, "NULL")));
        FuzzSeeds.seed(GreetingFuzzTest.class, "greeting", "greeting-1.0", prefixed(new byte[] {0x05, 0x01, 'x', 0x01, 0x00}));
        FuzzSeeds.streamSeeds(GreetingFuzzTest.class, "greeting", "null-dealer", nullDealer);

        byte[] frames = encoded(ZmtpMessage.ofStrings("a", "", "c"), ZmtpMessage.ofBytes(bigFrames),
                ZmtpFrame.command(Unpooled.wrappedBuffer(body(new Ping(100, new byte[] {1, 2})))),
                ZmtpMessage.ofBytes(new byte[2000]));
        for (int mode = 0; mode < 4; mode++) {
            for (int readSize : new int[] {0, 1, 9}) {
                byte[] input = new byte[frames.length + 2];
                input[0] = (byte) readSize;
                input[1] = (byte) mode;
                System.arraycopy(frames, 0, input, 2, frames.length);
                FuzzSeeds.seed(FrameDecoderFuzzTest.class, "frames", "frames-mode-" + mode + "-reads-" + readSize, input);
            }
        }

        Metadata md = ZmtpConfig.builder(SocketType.DEALER).identity(new byte[] {0, (byte) 0xFF})
                .metadata(Metadata.builder().put("X-App", "fuzz").build()).build().localMetadata();
        ByteBuf mdBytes = Unpooled.buffer();
        md.encode(mdBytes);
        FuzzSeeds.seed(MetadataFuzzTest.class, "metadata", "dealer-with-identity", ByteBufUtil.getBytes(mdBytes));
        mdBytes.release();

        String commands = "io.zmtp.codec.command.CommandFuzzTest";
        FuzzSeeds.seed(commands, "command", "ready", body(new Ready(md)));
        FuzzSeeds.seed(commands, "command", "ping", body(new Ping(300, "ctx".getBytes(StandardCharsets.US_ASCII))));
        FuzzSeeds.seed(commands, "command", "pong", body(new Pong("ctx".getBytes(StandardCharsets.US_ASCII))));
        FuzzSeeds.seed(commands, "command", "subscribe", body(new Subscribe("topic".getBytes(StandardCharsets.US_ASCII))));
        FuzzSeeds.seed(commands, "command", "cancel", body(new Cancel("topic".getBytes(StandardCharsets.US_ASCII))));
        FuzzSeeds.seed(commands, "command", "error", body(new ErrorCommand("Invalid socket type")));
        FuzzSeeds.seed(commands, "command", "error-libzmq-plain", body(new ErrorCommand("400", true)));

        CurveKeyPair keys = CurveKeyPair.generate();
        FuzzSeeds.seed("io.zmtp.codec.curve.Z85FuzzTest", "decode", "public-key",
                keys.publicKeyZ85().getBytes(StandardCharsets.US_ASCII));
        FuzzSeeds.seed("io.zmtp.codec.curve.Z85FuzzTest", "decode", "rfc32-vector",
                Z85.encode(new byte[] {(byte) 0x86, 0x4F, (byte) 0xD2, 0x6F, (byte) 0xB5, 0x59, (byte) 0xF7, 0x5B})
                        .getBytes(StandardCharsets.US_ASCII));

        HandshakeFuzzSeeds.write();
        CurveFuzzSeeds.write();
    }

    /** A greeting seed for a {@code PeerStream} target: read size 0, then the bytes. */
    private static byte[] prefixed(byte[] stream) {
        byte[] out = new byte[stream.length + 1];
        System.arraycopy(stream, 0, out, 1, stream.length);
        return out;
    }
}
