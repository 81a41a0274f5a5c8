package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.zmtp.codec.FrameEnvelope;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;

import java.util.concurrent.ThreadLocalRandom;

/**
 * ZWS 2.0's framing, applied by the codec's frame encoder as it writes each frame: one binary
 * WebSocket message (FIN set) whose payload is a ZWS flags byte (MORE 0x01, COMMAND 0x02) then the
 * body. A client masks every message with a fresh random key (RFC 6455 5.3); its bodies are
 * therefore always copied into the encoder's batch and masked there. A server's large bodies go
 * on as they are, behind their header. The flags byte's meaning on the way in is here too
 * ({@link #zmtpFlags}), so both directions of the mapping sit side by side.
 */
final class ZwsEnvelope implements FrameEnvelope {
    /** FIN + binary opcode. */
    private static final int BINARY = 0x82;
    /** FIN + opcode, two (or eight) length bytes, the mask key, the flags byte. */
    private static final int MAX_HEADER = 2 + 8 + 4 + 1;

    private final boolean masking;
    /** The key of the message being written (its first byte the most significant). */
    private int key;
    /**
     * Where the keys come from: xorshift64, seeded from the thread's random source, so a key costs
     * a few shifts (the thread-local generator showed at millions of frames a second). Masking
     * keeps a page's script from crafting bytes a proxy would misread, which needs keys the script
     * cannot predict; the author of these payloads is the application itself, not a script, and
     * Netty's own WebSocket encoder takes its keys from a non-cryptographic generator too.
     */
    private long seed = ThreadLocalRandom.current().nextLong() | 1;

    ZwsEnvelope(boolean masking) {
        this.masking = masking;
    }

    /** The ZMTP flags of a received ZWS flags byte; anything but MORE and COMMAND breaks the protocol. */
    static int zmtpFlags(int zws) {
        if ((zws & ~0x03) != 0) {
            throw new ZmtpProtocolException("ZWS flags 0x" + Integer.toHexString(zws & 0xff) + " (only MORE 0x01 and COMMAND 0x02 exist)");
        }
        return ((zws & 0x01) != 0 ? ZmtpFrame.FLAG_MORE : 0) | ((zws & 0x02) != 0 ? ZmtpFrame.FLAG_COMMAND : 0);
    }

    private int nextKey() {
        long x = seed;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        seed = x;
        return (int) (x >>> 32);
    }

    @Override
    public int maxHeaderLength() {
        return MAX_HEADER;
    }

    @Override
    public void writeHeader(ByteBuf out, int flags, long length) {
        int zws = ((flags & ZmtpFrame.FLAG_MORE) != 0 ? 0x01 : 0) | ((flags & ZmtpFrame.FLAG_COMMAND) != 0 ? 0x02 : 0);
        long payload = length + 1;
        if (masking) {
            int k = nextKey();
            key = k;
            if (payload <= 125) {
                // The common case in few writes: opcode, length, key, masked flags byte.
                out.writeShort(BINARY << 8 | 0x80 | (int) payload);
                out.writeInt(k);
            } else {
                out.writeByte(BINARY);
                writeLength(out, payload);
                out.writeInt(k);
            }
            out.writeByte(zws ^ (k >>> 24));
        } else if (payload <= 125) {
            out.writeShort(BINARY << 8 | (int) payload);
            out.writeByte(zws);
        } else {
            out.writeByte(BINARY);
            writeLength(out, payload);
            out.writeByte(zws);
        }
    }

    @Override
    public boolean rewritesBody() {
        return masking;
    }

    @Override
    public void seal(ByteBuf out, int index, int length) {
        if (masking) {
            // The body is the payload from its second byte on (the flags byte is the first).
            WsMask.xor(out, index, length, key, 1);
        }
    }

    @Override
    public boolean copySealed(ByteBuf out, ByteBuf body, int length) {
        return masking && WsMask.copyMasked(body, body.readerIndex(), out, length, key, 1);
    }

    @Override
    public boolean sealsInParts() {
        return masking;
    }

    @Override
    public void copySealedPart(ByteBuf out, ByteBuf body, int offset, int length) {
        int from = body.readerIndex() + offset;
        // Body byte i is payload byte i + 1 (the flags byte is the first).
        if (!WsMask.copyMasked(body, from, out, length, key, 1L + offset)) {
            int at = out.writerIndex();
            out.writeBytes(body, from, length);
            WsMask.xor(out, at, length, key, 1L + offset);
        }
    }

    private void writeLength(ByteBuf out, long length) {
        int maskBit = masking ? 0x80 : 0;
        if (length <= 125) {
            out.writeByte(maskBit | (int) length);
        } else if (length <= 0xffff) {
            out.writeByte(maskBit | 126);
            out.writeShort((int) length);
        } else {
            out.writeByte(maskBit | 127);
            out.writeLong(length);
        }
    }

    /**
     * Writes a control frame (PONG, CLOSE) with {@code payload} (released here) from {@code from}'s
     * place in the pipeline, below the frame encoder: it lands between two of the encoder's frames,
     * never inside one, since the encoder writes each frame whole within one call.
     */
    static void writeControl(ChannelHandlerContext from, boolean masking, int opcode, ByteBuf payload) {
        try {
            int n = payload.readableBytes();
            ByteBuf out = from.alloc().ioBuffer(6 + n);
            out.writeByte(0x80 | opcode);
            out.writeByte((masking ? 0x80 : 0) | n);
            int at;
            int key = 0;
            if (masking) {
                key = ThreadLocalRandom.current().nextInt();
                out.writeInt(key);
            }
            at = out.writerIndex();
            out.writeBytes(payload, payload.readerIndex(), n);
            if (masking) {
                WsMask.xor(out, at, n, key, 0);
            }
            from.write(out, from.voidPromise());
        } finally {
            payload.release();
        }
    }
}
