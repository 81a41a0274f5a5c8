package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.testing.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

/**
 * Writes {@link ZwsDecoderFuzzTest}'s seeds: what our own encoder sends over ws (as a client,
 * masked, and as a server, plain) for small, 16-bit-length and long messages, multipart ones and a
 * command, with a fragmented message and PING, PONG and CLOSE frames (laid out as RFC 6455 5.2 has
 * them) among them; for either side, with and without a sink, in one read and in reads of 1, 7
 * and 64 bytes. Not part of a normal run; regenerate with
 * {@code mvn -o test -pl patterns -Dtest=ZwsFuzzSeedWriter -Dzmtp.fuzz.writeSeeds=true}.
 */
@EnabledIfSystemProperty(named = "zmtp.fuzz.writeSeeds", matches = "true")
class ZwsFuzzSeedWriter {
    private static final int OP_CONTINUATION = 0;
    private static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;
    private static final int OP_PONG = 10;

    /** What {@link FrameEncoder} with a ZWS envelope writes for {@code messages}. */
    private static byte[] encoded(boolean masking, Object... messages) {
        FrameEncoder e = new FrameEncoder();
        e.envelope(new ZwsEnvelope(masking));
        return FuzzSeeds.encoded(e, messages);
    }

    /** One WebSocket frame (payload under 126 bytes), masked with {@code key} when {@code masking}. */
    private static byte[] frame(boolean fin, int opcode, byte[] payload, boolean masking, Random random) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte((fin ? 0x80 : 0) | opcode);
        b.writeByte((masking ? 0x80 : 0) | payload.length);
        byte[] key = new byte[4];
        if (masking) {
            random.nextBytes(key);
            b.writeBytes(key);
        }
        for (int i = 0; i < payload.length; i++) {
            b.writeByte(payload[i] ^ key[i & 3]);
        }
        return ByteBufUtil.getBytes(b);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static byte[] stream(boolean masking, Random random) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (int i = 0; i < 30; i++) {
            byte[] a = new byte[new int[] {0, 1, 16, 40, 124}[i % 5]];
            random.nextBytes(a);
            s.writeBytes(encoded(masking, i % 4 == 0 ? ZmtpMessage.ofBytes(a, ascii("second")) : ZmtpMessage.ofBytes(a)));
        }
        s.writeBytes(frame(true, OP_PING, ascii("hi"), masking, random));
        s.writeBytes(encoded(masking, ZmtpFrame.command(Unpooled.wrappedBuffer(ascii("\4PING\0\0")))));
        s.writeBytes(encoded(masking, ZmtpMessage.ofBytes(new byte[300]), ZmtpMessage.ofBytes(new byte[2000])));
        // A message in two fragments: a binary frame without FIN (the ZWS flags byte, MORE, and a
        // first part), then its continuation.
        s.writeBytes(frame(false, OP_BINARY, ascii("\1frag"), masking, random));
        s.writeBytes(frame(true, OP_CONTINUATION, ascii("mented"), masking, random));
        s.writeBytes(encoded(masking, ZmtpMessage.ofBytes(ascii("last"))));
        s.writeBytes(frame(true, OP_PONG, new byte[0], masking, random));
        s.writeBytes(frame(true, OP_CLOSE, new byte[] {0x03, (byte) 0xe8}, masking, random));
        return s.toByteArray();
    }

    @Test
    void writeSeeds() throws IOException {
        for (boolean server : new boolean[] {true, false}) {
            // A server reads a client's frames, which are masked.
            byte[] stream = stream(server, new Random(45));
            for (boolean sink : new boolean[] {true, false}) {
                for (int reads : new int[] {0, 1, 7, 64}) {
                    byte[] input = new byte[stream.length + 2];
                    input[0] = (byte) reads;
                    input[1] = (byte) ((server ? 1 : 0) | (sink ? 2 : 0));
                    System.arraycopy(stream, 0, input, 2, stream.length);
                    FuzzSeeds.seed(ZwsDecoderFuzzTest.class, "frames", "zws-" + (server ? "server" : "client") + "-"
                            + (sink ? "sink" : "pipeline") + "-reads-" + reads, input);
                }
            }
        }
    }
}
