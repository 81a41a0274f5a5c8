package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.FrameBox;
import io.zmtp.codec.ZmtpFrame;

/**
 * Our side of a CURVE connection after the handshake (RFC 26 MESSAGE): each frame becomes
 * {@code 07 "MESSAGE"}, an 8-byte nonce counter, then Box[inner flags ‖ body], written over the
 * encoder's batch buffer where the body already lies. The inner flags carry MORE ({@code 01}) and,
 * as libzmq does, COMMAND ({@code 02}); the outer frame carries neither, because libzmq ORs outer
 * flags into the unboxed frame.
 *
 * <p>The counter only rises and this box refuses to go past its last value, so no nonce is used
 * twice under the connection's key.
 */
final class CurveFrameBox implements FrameBox {
    static final int INNER_MORE = 0x01;
    static final int INNER_COMMAND = 0x02;
    /** {@code 07 "MESSAGE"} read as one big-endian long. */
    static final long MESSAGE_NAME = 0x074d455353414745L;
    /** Name, nonce, tag, inner flags. */
    static final int OVERHEAD = 8 + 8 + MessageBox.TAG + 1;

    private final MessageBox box;
    private long nextNonce;

    /**
     * @param box       boxes under our MESSAGE nonce prefix ({@code ...MESSAGEC} on a client); owned from now on
     * @param nextNonce the first MESSAGE nonce: one past our last handshake command's
     */
    CurveFrameBox(MessageBox box, long nextNonce) {
        this.box = box;
        this.nextNonce = nextNonce;
    }

    @Override
    public int overhead() {
        return OVERHEAD;
    }

    @Override
    public void seal(ByteBuf out, int boxIndex, int flags, int bodyLength) {
        long nonce = nextNonce;
        if (nonce == -1L) {
            // 2^64 - 1 as an unsigned counter: one more would wrap to a nonce already used.
            throw new IllegalStateException("CURVE nonces exhausted on this connection: it cannot send any more");
        }
        out.setLong(boxIndex, MESSAGE_NAME);
        out.setLong(boxIndex + 8, nonce);
        int inner = ((flags & ZmtpFrame.FLAG_MORE) != 0 ? INNER_MORE : 0)
                | ((flags & ZmtpFrame.FLAG_COMMAND) != 0 ? INNER_COMMAND : 0);
        out.setByte(boxIndex + 16 + MessageBox.TAG, inner);
        box.seal(out, boxIndex + 16, 1 + bodyLength, nonce);
        nextNonce = nonce + 1;
    }

    /** The nonce the next frame will carry. */
    long nextNonce() {
        return nextNonce;
    }

    @Override
    public void close() {
        box.close();
    }

    boolean isWiped() {
        return box.isWiped();
    }
}
