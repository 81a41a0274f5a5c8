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
 * version has arrived. A ZMTP 1.0/2.0 peer is detected from its signature or version and refused
 * with {@link HandshakeFailed.Reason#VERSION}; a different mechanism is refused with
 * {@link HandshakeFailed.Reason#MECHANISM} and no ERROR command, as libzmq does.
 *
 * <p>When the greeting is complete it fires {@link GreetingReceived} and replaces itself with a
 * {@link FrameDecoder}, which receives any bytes that arrived behind the greeting.
 */
public final class GreetingHandler extends ByteToMessageDecoder {
    private final String mechanism;
    private final byte[] mechanismField;
    private final int identityLength;
    private final boolean asServer;
    private final InboundLimits limits;

    private boolean sentSignature;
    private boolean sentMajor;
    private boolean sentRest;
    private boolean done;

    /**
     * @param mechanism      our mechanism's name, which the peer's must equal
     * @param identityLength length of our routing id (put in the padding, as libzmq does)
     * @param asServer       the as-server bit we send (informational; nobody reads it)
     * @param limits         passed to the {@link FrameDecoder} that follows
     */
    public GreetingHandler(String mechanism, int identityLength, boolean asServer, InboundLimits limits) {
        this.mechanism = mechanism;
        this.mechanismField = Greeting.mechanismBytes(mechanism);
        this.identityLength = identityLength;
        this.asServer = asServer;
        this.limits = limits;
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
            refuse(ctx, in, HandshakeFailed.Reason.VERSION, "peer speaks unversioned ZMTP 1.0 (first byte 0x"
                    + Integer.toHexString(in.getUnsignedByte(base)) + ", not 0xFF); only ZMTP 3.x is supported");
            return;
        }
        if (available < Greeting.SIGNATURE_LENGTH) {
            return;
        }
        if ((in.getUnsignedByte(base + 9) & 0x01) == 0) {
            refuse(ctx, in, HandshakeFailed.Reason.VERSION,
                    "peer speaks unversioned ZMTP 1.0 (signature byte 9 has bit 0 clear); only ZMTP 3.x is supported");
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
        if (major < 3) {
            refuse(ctx, in, HandshakeFailed.Reason.VERSION, "peer offers ZMTP revision " + major
                    + (major == 1 ? " (ZMTP 2.0)" : " (ZMTP 1.0)") + "; only ZMTP 3.x is supported");
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
        // A major above 3 is treated as 3.1, as libzmq does.
        ZmtpVersion version = major == 3 ? new ZmtpVersion(3, minor) : ZmtpVersion.V3_1;
        ctx.fireUserEventTriggered(new GreetingReceived(version, peerAsServer));
        if (ctx.channel().isActive()) {
            ctx.pipeline().replace(this, "zmtp-frame-decoder", new FrameDecoder(limits, Greeting.LENGTH));
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, HandshakeFailed.Reason reason, String detail) {
        done = true;
        in.skipBytes(in.readableBytes());
        ctx.fireUserEventTriggered(new HandshakeFailed(reason, detail));
        ctx.close();
    }
}
