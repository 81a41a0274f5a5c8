package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.FrameUnbox;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;

/**
 * After a CURVE handshake, opens the peer's MESSAGE commands for the {@link io.zmtp.codec.FrameDecoder}:
 * the frame inside is a message frame (MORE from the inner flags) or, with the inner COMMAND bit, a
 * command. Anything that is not a MESSAGE, a nonce not above the last one (replay or reordering),
 * or a box that does not open is a protocol error, and the decoder closes the connection.
 *
 * <p>The box is verified where it lies in the received frame body and decrypted in place, and the
 * body, narrowed to the payload, is what the decoder assembles: nothing is copied and no buffer or
 * frame object is made per message (a pooled buffer per message was 15% of a 1 KiB receiver's
 * loop; a frame object and a pipeline hop per message were the rest of the garbage).
 */
final class CurveFrameUnbox implements FrameUnbox {
    /** Name, nonce, tag and the flags octet. */
    static final int MIN_MESSAGE = CurveFrameBox.OVERHEAD;

    private final MessageBox box;
    private long lastNonce;

    /**
     * @param box       opens boxes under the peer's MESSAGE nonce prefix; this unbox owns it and
     *                  closes it when closed
     * @param lastNonce the nonce of the peer's last handshake command (INITIATE or READY)
     */
    CurveFrameUnbox(MessageBox box, long lastNonce) {
        this.box = box;
        this.lastNonce = lastNonce;
    }

    @Override
    public int open(ByteBuf body) {
        int start = body.readerIndex();
        int length = body.readableBytes();
        if (length < 8 || body.getLong(start) != CurveFrameBox.MESSAGE_NAME) {
            throw new ZmtpProtocolException("CURVE peer sent something other than a MESSAGE command after the handshake ("
                    + length + " bytes)");
        }
        if (length < MIN_MESSAGE) {
            throw new ZmtpProtocolException("CURVE MESSAGE of " + length + " bytes is shorter than the minimum of "
                    + MIN_MESSAGE);
        }
        long nonce = body.getLong(start + 8);
        if (Long.compareUnsigned(nonce, lastNonce) <= 0) {
            throw new ZmtpProtocolException("CURVE MESSAGE nonce " + Long.toUnsignedString(nonce)
                    + " is not above the last one seen (" + Long.toUnsignedString(lastNonce) + "): replayed or reordered");
        }
        int plainLength = length - 16 - MessageBox.TAG;
        int plainStart = start + 16 + MessageBox.TAG;
        if (!box.open(body, start + 16, plainLength, nonce, body, plainStart)) {
            throw new ZmtpProtocolException("CURVE MESSAGE with nonce " + Long.toUnsignedString(nonce)
                    + " does not authenticate: altered in transit or boxed under another key");
        }
        lastNonce = nonce;
        int flags = body.getByte(plainStart);
        body.setIndex(plainStart + 1, plainStart + plainLength);
        return ((flags & CurveFrameBox.INNER_COMMAND) != 0 ? ZmtpFrame.FLAG_COMMAND : 0)
                | ((flags & CurveFrameBox.INNER_MORE) != 0 ? ZmtpFrame.FLAG_MORE : 0);
    }

    /** Wipes the inbound box's key. */
    @Override
    public void close() {
        box.close();
    }

    boolean isWiped() {
        return box.isWiped();
    }
}
