package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.zmtp.codec.handshake.GreetingReceived;
import io.zmtp.codec.handshake.HandshakeFailed;

import java.util.List;

/**
 * Exchanges the ZMTP greeting the way libzmq does: the 10-byte signature at once, the major
 * version when the peer's signature has arrived, the remaining 53 bytes when the peer's major
 * version has arrived. A different mechanism is refused with {@link HandshakeFailed.Reason#MECHANISM}
 * and no ERROR command, as libzmq does.
 *
 * <p>A legacy peer is recognised as libzmq 4.3 recognises it: a first byte other than {@code FF},
 * or a signature whose last byte has bit 0 clear, is an unversioned ZMTP/1.0 stream (0MQ 2.x);
 * revision 0 or 1 in byte 10 is a 12-byte ZMTP/1.0 or 2.0 greeting, answered with our socket
 * type octet instead of the rest of a 3.x greeting. Unless the handler was told it may
 * ({@link #GreetingHandler(String, int, boolean, InboundLimits, int, String)}), a legacy peer is
 * refused with {@link HandshakeFailed.Reason#VERSION}.
 *
 * <p>When the greeting is complete it fires {@link GreetingReceived} and replaces itself with a
 * {@link FrameDecoder} (reading ZMTP/1.0 frames for a 1.0 peer), which receives any bytes that
 * arrived behind the greeting: for an unversioned peer, every byte it sent.
 */
public final class GreetingHandler extends ByteToMessageDecoder {
    private final String mechanism;
    private final byte[] mechanismField;
    private final int identityLength;
    private final boolean asServer;
    private final InboundLimits limits;
    /** Our socket type octet for a ZMTP/2.0 greeting, when legacy peers are spoken to. */
    private final int legacySocketType;
    /** Why a legacy peer is refused, or null when we speak its protocol. */
    private final String legacyRefusal;

    private boolean sentSignature;
    private boolean sentMajor;
    private boolean sentRest;
    private boolean sentSocketType;
    private boolean done;

    /**
     * @param mechanism      our mechanism's name, which the peer's must equal
     * @param identityLength length of our routing id (put in the padding, as libzmq does)
     * @param asServer       the as-server bit we send (informational; nobody reads it)
     * @param limits         passed to the {@link FrameDecoder} that follows
     */
    public GreetingHandler(String mechanism, int identityLength, boolean asServer, InboundLimits limits) {
        this(mechanism, identityLength, asServer, limits, -1, "this codec speaks ZMTP 3.x only");
    }

    /**
     * A greeting handler that also speaks to ZMTP 1.0/2.0 peers, as libzmq 4.3 does.
     *
     * @param legacySocketType our type's octet for a ZMTP/2.0 greeting ({@link SocketType#zmtp20Number()})
     * @param legacyRefusal    why legacy peers are refused (a security mechanism, a type 2.0 does not
     *                         know), or null when they are spoken to
     */
    public GreetingHandler(String mechanism, int identityLength, boolean asServer, InboundLimits limits,
                           int legacySocketType, String legacyRefusal) {
        if (legacyRefusal == null && (legacySocketType < 0 || legacySocketType > 255)) {
            throw new IllegalArgumentException("a ZMTP/2.0 socket type octet is 0..255, not " + legacySocketType);
        }
        this.mechanism = mechanism;
        this.mechanismField = Greeting.mechanismBytes(mechanism);
        this.identityLength = identityLength;
        this.asServer = asServer;
        this.limits = limits;
        this.legacySocketType = legacySocketType;
        this.legacyRefusal = legacyRefusal;
    }

    /** As above with only a frame size limit ({@code maxFrameSize}, -1 for none) and no other bound. */
    public GreetingHandler(String mechanism, int identityLength, boolean asServer, long maxFrameSize) {
        this(mechanism, identityLength, asServer, InboundLimits.frameSize(maxFrameSize));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            sendSignature(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sendSignature(ctx);
        super.channelActive(ctx);
    }

    private void sendSignature(ChannelHandlerContext ctx) {
        if (sentSignature) {
            return;
        }
        sentSignature = true;
        ByteBuf out = ctx.alloc().buffer(Greeting.SIGNATURE_LENGTH);
        Greeting.writeSignature(out, identityLength);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int base = in.readerIndex();
        int available = in.readableBytes();
        if (available < 1) {
            return;
        }
        if (in.getUnsignedByte(base) != 0xFF) {
            unversioned(ctx, in, "first byte 0x" + Integer.toHexString(in.getUnsignedByte(base)) + ", not 0xFF");
            return;
        }
        if (available < Greeting.SIGNATURE_LENGTH) {
            return;
        }
        if ((in.getUnsignedByte(base + 9) & 0x01) == 0) {
            unversioned(ctx, in, "signature byte 9 has bit 0 clear");
            return;
        }
        if (!sentMajor) {
            sentMajor = true;
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(ZmtpVersion.V3_1.major()), ctx.voidPromise());
        }
        if (available < Greeting.SIGNATURE_LENGTH + 1) {
            return;
        }
        int major = in.getUnsignedByte(base + 10);
        if (major <= 1) {
            versionedLegacy(ctx, in, major);
            return;
        }
        if (!sentRest) {
            sentRest = true;
            ByteBuf rest = ctx.alloc().buffer(Greeting.LENGTH - Greeting.SIGNATURE_LENGTH - 1);
            Greeting.writeRest(rest, ZmtpVersion.V3_1, mechanism, asServer);
            ctx.writeAndFlush(rest, ctx.voidPromise());
        }
        if (available < Greeting.LENGTH) {
            return;
        }
        int minor = in.getUnsignedByte(base + 11);
        for (int i = 0; i < Greeting.MECHANISM_LENGTH; i++) {
            if (in.getByte(base + Greeting.MECHANISM_OFFSET + i) != mechanismField[i]) {
                refuse(ctx, in, HandshakeFailed.Reason.MECHANISM, "peer uses mechanism '"
                        + Greeting.mechanismName(in, base) + "', we use '" + mechanism + "'");
                return;
            }
        }
        boolean peerAsServer = in.getUnsignedByte(base + Greeting.AS_SERVER_OFFSET) != 0;
        in.skipBytes(Greeting.LENGTH);
        done = true;
        // A major other than 3 (above it, or 2) is treated as 3.1, as libzmq does.
        ZmtpVersion version = major == 3 ? new ZmtpVersion(3, minor) : ZmtpVersion.V3_1;
        ctx.fireUserEventTriggered(new GreetingReceived(version, peerAsServer));
        if (ctx.channel().isActive()) {
            ctx.pipeline().replace(this, "zmtp-frame-decoder", new FrameDecoder(limits, Greeting.LENGTH));
        }
    }

    /**
     * The peer sent a 12-byte ZMTP/1.0 (revision 0) or 2.0 (revision 1) greeting (any other
     * revision below 3 is read as 3.1, as libzmq reads it). We answer with our socket type octet, as libzmq does (our
     * revision octet, already sent, stays 3: a 2.0 peer accepts a higher one).
     */
    private void versionedLegacy(ChannelHandlerContext ctx, ByteBuf in, int revision) {
        ZmtpVersion version = revision == 0 ? ZmtpVersion.V1_0 : ZmtpVersion.V2_0;
        if (legacyRefusal != null) {
            refuse(ctx, in, HandshakeFailed.Reason.VERSION, "peer speaks ZMTP " + version + " (revision "
                    + revision + "); " + legacyRefusal);
            return;
        }
        if (!sentSocketType) {
            sentSocketType = true;
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(legacySocketType), ctx.voidPromise());
        }
        if (in.readableBytes() < Greeting.LEGACY_LENGTH) {
            return;
        }
        int peerType = in.getUnsignedByte(in.readerIndex() + Greeting.LEGACY_LENGTH - 1);
        in.skipBytes(Greeting.LEGACY_LENGTH);
        done = true;
        ctx.fireUserEventTriggered(new GreetingReceived(version, false, peerType, false));
        if (ctx.channel().isActive()) {
            ctx.pipeline().replace(this, "zmtp-frame-decoder", frameDecoder(version, Greeting.LEGACY_LENGTH));
        }
    }

    /**
     * The peer sent no greeting: what it sent is its identity frame in ZMTP/1.0 framing (0MQ 2.x).
     * Our signature was built to be read as the header of our own identity frame; the handshake
     * sends its body. Every byte received so far goes to the frame decoder.
     */
    private void unversioned(ChannelHandlerContext ctx, ByteBuf in, String sign) {
        if (legacyRefusal != null) {
            refuse(ctx, in, HandshakeFailed.Reason.VERSION, "peer speaks unversioned ZMTP 1.0 (" + sign + "); "
                    + legacyRefusal);
            return;
        }
        done = true;
        ctx.fireUserEventTriggered(new GreetingReceived(ZmtpVersion.V1_0, false, -1, true));
        if (ctx.channel().isActive()) {
            ctx.pipeline().replace(this, "zmtp-frame-decoder", frameDecoder(ZmtpVersion.V1_0, 0));
        }
    }

    private FrameDecoder frameDecoder(ZmtpVersion version, long streamOffset) {
        FrameDecoder decoder = new FrameDecoder(limits, streamOffset);
        if (version.hasZmtp10Framing()) {
            decoder.useZmtp10Framing();
        }
        return decoder;
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, HandshakeFailed.Reason reason, String detail) {
        done = true;
        in.skipBytes(in.readableBytes());
        ctx.fireUserEventTriggered(new HandshakeFailed(reason, detail));
        ctx.close();
    }
}
