package io.zmtp.codec;

import io.netty.handler.codec.DecoderException;

/**
 * Bad input from a ZMTP peer: what was wrong and, where known, at which byte of the connection's
 * inbound stream. A connection that raises one is closed by the codec; it is never retried with the
 * same peer state.
 */
public class ZmtpProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /** Offset into the connection's inbound byte stream, or -1 when not tied to a byte. */
    private final long offset;

    public ZmtpProtocolException(String message) {
        this(message, -1);
    }

    public ZmtpProtocolException(String message, long offset) {
        super(offset >= 0 ? message + " (at inbound byte " + offset + ")" : message);
        this.offset = offset;
    }

    /** Offset into the connection's inbound byte stream where the fault was found, or -1. */
    public long offset() {
        return offset;
    }
}
