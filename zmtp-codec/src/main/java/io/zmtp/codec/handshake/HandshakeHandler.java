package io.zmtp.codec.handshake;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.zmtp.codec.FrameBox;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.FrameUnbox;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.MessageAssembler;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.UntrustedText;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.auth.AuthRequest;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.CommandDecoder;
import io.zmtp.codec.command.ErrorCommand;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.codec.heartbeat.HeartbeatHandler;
import io.zmtp.codec.mechanism.Mechanism;
import io.zmtp.codec.mechanism.MechanismContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Drives one connection's handshake after the greeting: runs the {@link Mechanism}, checks the
 * peer's socket type, enforces the handshake timeout, and holds back the application's writes
 * until the connection is ready. On success it installs the steady-state handlers (frame
 * transformers of the mechanism if it has any, {@link CommandDecoder}, {@link HeartbeatHandler},
 * and either turns on the {@link FrameDecoder}'s own message assembly or adds a
 * {@link MessageAssembler} behind the transformers), hands the mechanism's box and unbox (CURVE)
 * to the frame encoder and decoder, fires {@link HandshakeCompleted} and removes itself. On failure it
 * logs one line, fires {@link HandshakeFailed} and closes.
 *
 * <p>With a ZMTP 1.0/2.0 peer (which the greeting handler lets through only for a NULL socket
 * without a ZAP domain, as libzmq does) there is no mechanism: each side sends its identity as
 * its first frame, and the peer's is the Identity of {@link HandshakeCompleted}. No heartbeat
 * handler is installed (those protocols have no PING). An unversioned 1.0 peer (0MQ 2.x) never
 * sends subscriptions, so a PUB or XPUB then hears a subscription to everything from it, as
 * libzmq's does.
 */
public final class HandshakeHandler extends ChannelDuplexHandler implements MechanismContext {
    private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);
    /** libzmq's routing ids have at most 255 bytes. */
    private static final int MAX_LEGACY_IDENTITY = 255;

    private final ZmtpConfig config;
    private final Mechanism mechanism;
    private final ArrayDeque<PendingWrite> pendingWrites = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timeout;
    private ZmtpVersion peerVersion;
    private boolean finished;
    /** Set once the handshake succeeded: writes pass straight through from then on. */
    private boolean completed;
    /** A ZMTP 1.0/2.0 peer's greeting is in: its identity frame is awaited. */
    private GreetingReceived legacy;

    private record PendingWrite(Object msg, ChannelPromise promise) {
    }

    public HandshakeHandler(ZmtpConfig config, Mechanism mechanism) {
        this.config = config;
        this.mechanism = mechanism;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startTimer();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startTimer();
        ctx.fireChannelActive();
    }

    private void startTimer() {
        long millis = config.handshakeTimeout().toMillis();
        if (timeout == null && millis > 0 && !finished) {
            timeout = ctx.executor().schedule(() -> fail(HandshakeFailed.Reason.TIMEOUT,
                    "handshake not complete after " + millis + " ms", null), millis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof GreetingReceived greeting) {
            peerVersion = greeting.peerVersion();
            FrameEncoder encoder = ctx.pipeline().get(FrameEncoder.class);
            if (encoder != null) {
                encoder.peerVersion(peerVersion);
            }
            ctx.fireUserEventTriggered(evt);
            if (peerVersion.isLegacy()) {
                legacy = greeting;
                sendLegacyIdentity(greeting.unversioned());
            } else {
                runMechanism(() -> mechanism.start(this));
            }
            return;
        }
        if (evt instanceof HandshakeFailed failed && !finished) {
            finished = true;
            cancelTimer();
            logFailure(failed);
            failPendingWrites(new ZmtpProtocolException("handshake failed: " + failed.detail()));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ZmtpFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (finished) {
                return;
            }
            if (legacy != null) {
                legacyIdentity(frame);
                return;
            }
            if (!frame.isCommand()) {
                fail(HandshakeFailed.Reason.PROTOCOL, "peer sent a message frame before the handshake was complete", null);
                return;
            }
            runMechanism(() -> mechanism.handle(this, frame.content()));
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    private void runMechanism(Runnable step) {
        try {
            step.run();
        } catch (ZmtpProtocolException e) {
            fail(HandshakeFailed.Reason.PROTOCOL, e.getMessage(), null);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (completed) {
            ctx.write(msg, promise);
            return;
        }
        if (finished && !ctx.channel().isActive()) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new ZmtpProtocolException("connection closed before the ZMTP handshake completed"));
            return;
        }
        pendingWrites.add(new PendingWrite(msg, promise));
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (completed) {
            ctx.flush();
        }
        // Otherwise held back until the handshake completes; the mechanism flushes its own commands.
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ZmtpProtocolException && !finished) {
            fail(HandshakeFailed.Reason.PROTOCOL, cause.getMessage(), null);
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            String hint = peerVersion == null || legacy != null ? null : mechanism.closeDiagnosis();
            HandshakeFailed failed = new HandshakeFailed(HandshakeFailed.Reason.CLOSED,
                    "connection closed during the handshake" + (hint == null ? "" : ": " + hint));
            finished = true;
            cancelTimer();
            if (hint == null) {
                logFailure(failed);
            } else {
                log.warn("ZMTP handshake with {} failed: {}: {}", ctx.channel().remoteAddress(), failed.reason(),
                        UntrustedText.of(failed.detail()));
            }
            failPendingWrites(new ZmtpProtocolException(failed.detail()));
            ctx.fireUserEventTriggered(failed);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        mechanism.close();
        failPendingWrites(new ZmtpProtocolException("ZMTP handshake handler removed"));
    }

    // ---- MechanismContext ----

    @Override
    public Metadata localMetadata() {
        return config.localMetadata();
    }

    @Override
    public ZmtpVersion peerVersion() {
        return peerVersion;
    }

    @Override
    public void send(Command command) {
        if (!finished || ctx.channel().isActive()) {
            ctx.writeAndFlush(command, ctx.voidPromise());
        }
    }

    /** With ZAP_ENFORCE_DOMAIN the authenticator is for peers of a socket that has a ZAP domain only. */
    @Override
    public boolean hasAuthenticator() {
        return config.authenticator() != null && (!config.zapEnforceDomain() || !config.zapDomain().isEmpty());
    }

    @Override
    public boolean authenticatorMissing() {
        return config.zapEnforceDomain() && !config.zapDomain().isEmpty() && config.authenticator() == null;
    }

    @Override
    public void authenticate(String mechanismName, List<byte[]> credentials, Consumer<AuthResult> then) {
        AuthRequest request = new AuthRequest(config.zapDomain(), addressText(ctx.channel().remoteAddress()),
                config.identity(), mechanismName, credentials);
        CompletionStage<AuthResult> answer;
        try {
            answer = config.authenticator().authenticate(request);
        } catch (RuntimeException e) {
            log.warn("authenticator failed for {}", UntrustedText.of(request.address()), e);
            then.accept(new AuthResult(500, "authenticator failed: " + e, "", Metadata.empty()));
            return;
        }
        answer.whenComplete((result, error) -> ctx.executor().execute(() -> {
            if (finished) {
                return;
            }
            AuthResult r = result;
            if (error != null || r == null) {
                log.warn("authenticator failed for {}", UntrustedText.of(request.address()), error);
                r = new AuthResult(500, "authenticator failed: " + error, "", Metadata.empty());
            }
            AuthResult outcome = r;
            runMechanism(() -> then.accept(outcome));
        }));
    }

    @Override
    public void complete(Metadata peerMetadata, AuthResult auth) {
        if (finished) {
            return;
        }
        SocketType peerType = null;
        byte[] typeName = peerMetadata.get(Metadata.SOCKET_TYPE);
        if (typeName != null) {
            peerType = SocketType.fromWireName(typeName);
            if (peerType == null || !config.socketType().isCompatible(peerType)) {
                String shown = new String(typeName, java.nio.charset.StandardCharsets.US_ASCII);
                fail(HandshakeFailed.Reason.SOCKET_TYPE, "peer socket type " + shown + " cannot talk to "
                        + config.socketType(), new ErrorCommand("Invalid socket type"));
                return;
            }
        }
        succeed(new HandshakeCompleted(peerVersion, mechanism.name(), peerType,
                peerMetadata.get(Metadata.IDENTITY), peerMetadata,
                auth == null ? "" : auth.userId(), auth == null ? Metadata.empty() : auth.metadata()));
    }

    /**
     * Our identity frame to a ZMTP 1.0/2.0 peer. To an unversioned 1.0 peer only its body goes: the
     * signature we sent first was read by the peer as this frame's header (length, flags 7F).
     */
    private void sendLegacyIdentity(boolean unversioned) {
        byte[] identity = config.identity();
        if (unversioned) {
            if (identity.length > 0) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(identity.clone()), ctx.voidPromise());
            }
        } else {
            ctx.writeAndFlush(ZmtpFrame.message(Unpooled.wrappedBuffer(identity.clone()), false), ctx.voidPromise());
        }
    }

    /** The first frame of a ZMTP 1.0/2.0 peer: its identity (empty for an anonymous peer). */
    private void legacyIdentity(ZmtpFrame frame) {
        if (frame.isCommand()) {
            fail(HandshakeFailed.Reason.PROTOCOL, "ZMTP " + peerVersion + " peer sent a command where its identity"
                    + " frame belongs", null);
            return;
        }
        if (frame.content().readableBytes() > MAX_LEGACY_IDENTITY) {
            fail(HandshakeFailed.Reason.PROTOCOL, "ZMTP " + peerVersion + " peer's identity has "
                    + frame.content().readableBytes() + " bytes; a routing id has at most " + MAX_LEGACY_IDENTITY, null);
            return;
        }
        byte[] identity = ByteBufUtil.getBytes(frame.content());
        SocketType peerType = legacy.peerSocketType() < 0 ? null : SocketType.fromZmtp20Number(legacy.peerSocketType());
        boolean phantomSubscription = legacy.unversioned()
                && (config.socketType() == SocketType.PUB || config.socketType() == SocketType.XPUB);
        succeed(new HandshakeCompleted(peerVersion, mechanism.name(), peerType, identity, Metadata.empty(), "",
                Metadata.empty()));
        if (phantomSubscription && ctx.channel().isActive()) {
            ctx.fireChannelRead(new Subscribe(new byte[0]));
        }
    }

    /** The handshake is done: installs the steady-state handlers, writes what waited, fires {@code done}. */
    private void succeed(HandshakeCompleted done) {
        finished = true;
        completed = true;
        cancelTimer();
        ChannelHandlerContext last = installSteadyState();
        while (!pendingWrites.isEmpty()) {
            PendingWrite w = pendingWrites.poll();
            last.write(w.msg, w.promise);
        }
        last.flush();
        ctx.fireUserEventTriggered(done);
        ctx.pipeline().remove(this);
    }

    /** Adds the post-handshake handlers after this one; returns the context of the last one added. */
    private ChannelHandlerContext installSteadyState() {
        String after = ctx.name();
        int i = 0;
        List<ChannelHandler> transformers = mechanism.frameTransformers();
        for (ChannelHandler transformer : transformers) {
            String name = "zmtp-" + mechanism.name().toLowerCase(java.util.Locale.ROOT) + "-" + (i++);
            ctx.pipeline().addAfter(after, name, transformer);
            after = name;
        }
        ctx.pipeline().addAfter(after, "zmtp-command-decoder", new CommandDecoder());
        after = "zmtp-command-decoder";
        if (!peerVersion.isLegacy()) {
            ctx.pipeline().addAfter(after, "zmtp-heartbeat", new HeartbeatHandler(config));
            after = "zmtp-heartbeat";
        }
        FrameEncoder encoder = ctx.pipeline().get(FrameEncoder.class);
        FrameBox box = mechanism.frameBox();
        if (box != null) {
            if (encoder == null) {
                box.close();
                throw new IllegalStateException(mechanism.name() + " boxes frames but the pipeline has no FrameEncoder");
            }
            encoder.boxWith(box);
        }
        if (encoder != null && transformers.stream().noneMatch(h -> h instanceof ChannelOutboundHandler)) {
            // Nothing installed here changes writes on their way to the encoder (CURVE boxes in it).
            encoder.allowDirectWrites();
        }
        FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
        FrameUnbox unbox = mechanism.frameUnbox();
        if (unbox != null) {
            if (decoder == null) {
                unbox.close();
                throw new IllegalStateException(mechanism.name() + " boxes frames but the pipeline has no FrameDecoder");
            }
            decoder.unboxWith(unbox);
        }
        if (decoder != null) {
            // The peer is now who it says it is: frames up to maxFrameSize from here on.
            decoder.handshakeCompleted();
        }
        if (config.assembleMessages()) {
            if (decoder != null && transformers.isEmpty()) {
                // Frames straight from the wire, or opened by the decoder's unbox (CURVE): the
                // decoder assembles them itself.
                decoder.assembleMessages();
            } else {
                ctx.pipeline().addAfter(after, "zmtp-message-assembler", new MessageAssembler(config.inboundLimits()));
                after = "zmtp-message-assembler";
            }
        }
        return ctx.pipeline().context(after);
    }

    @Override
    public void fail(HandshakeFailed.Reason reason, String detail, ErrorCommand error) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        HandshakeFailed failed = new HandshakeFailed(reason, detail);
        logFailure(failed);
        failPendingWrites(new ZmtpProtocolException("handshake failed: " + detail));
        ctx.fireUserEventTriggered(failed);
        if (error != null && ctx.channel().isActive()) {
            ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private void logFailure(HandshakeFailed failed) {
        // A refused login is the authenticator's decision and its owner reports it: a WARN per
        // attempt here would let any client fill the log (one line per wrong password).
        if (failed.reason() == HandshakeFailed.Reason.CLOSED || failed.reason() == HandshakeFailed.Reason.AUTH) {
            log.debug("ZMTP handshake with {} failed: {}: {}", ctx.channel().remoteAddress(), failed.reason(),
                    UntrustedText.of(failed.detail()));
        } else {
            log.warn("ZMTP handshake with {} failed: {}: {}", ctx.channel().remoteAddress(), failed.reason(),
                    UntrustedText.of(failed.detail()));
        }
    }

    private void failPendingWrites(Throwable cause) {
        while (!pendingWrites.isEmpty()) {
            PendingWrite w = pendingWrites.poll();
            ReferenceCountUtil.release(w.msg);
            w.promise.tryFailure(cause);
        }
    }

    private void cancelTimer() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private static String addressText(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
