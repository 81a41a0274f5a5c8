package io.zmtp.socket.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.MessageSink;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.codec.heartbeat.HeartbeatTimeout;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.pipe.ChannelLink;
import io.zmtp.socket.pipe.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The last handler of a socket's connection: attaches the connection to its pipe once the
 * handshake is done, and passes messages, commands, writability and the end of the connection
 * to the socket. Runs on the socket's loop.
 */
final class PeerHandler extends ChannelInboundHandlerAdapter implements MessageSink {
    private static final Logger log = LoggerFactory.getLogger(PeerHandler.class);

    private final TransportHost socket;
    private final String endpoint;
    private final Connecter connecter;
    private Pipe pipe;
    private boolean attached;

    PeerHandler(TransportHost socket, Pipe pipe, String endpoint, Connecter connecter) {
        this.socket = socket;
        this.pipe = pipe;
        this.endpoint = endpoint;
        this.connecter = connecter;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeCompleted done) {
            admit(ctx, done.peerIdentity(), done.peerVersion(), done.mechanism(), done.userId());
        } else if (evt == RawStreamHandler.ACTIVE) {
            // A STREAM socket's peer speaks no ZMTP: no handshake, no version, no mechanism.
            admit(ctx, null, null, "RAW", "");
        } else if (evt instanceof HandshakeFailed failed) {
            if (connecter != null) {
                connecter.handshakeFailed(failed);
            }
            SocketEvent.Type type = switch (failed.reason()) {
                case AUTH -> SocketEvent.Type.HANDSHAKE_FAILED_AUTH;
                case TIMEOUT, CLOSED -> SocketEvent.Type.HANDSHAKE_FAILED_NO_DETAIL;
                default -> SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL;
            };
            socket.emit(type, endpoint, failed.reason() + ": " + failed.detail());
        } else if (evt instanceof HeartbeatTimeout timeout) {
            socket.emit(SocketEvent.Type.DISCONNECTED, endpoint, "heartbeat: " + timeout.detail());
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** The handshake is done (or, for a raw peer, the connection is up): the socket admits the peer. */
    private void admit(ChannelHandlerContext ctx, byte[] identity, ZmtpVersion version, String mechanism, String userId) {
        boolean fresh = pipe == null;
        if (fresh && socket.isClosing()) {
            ctx.close();
            return;
        }
        Pipe p = fresh ? socket.newPipe(false, endpoint) : pipe;
        TransportHost.Admission admission = socket.admit(p, fresh, new ChannelLink(ctx.channel(), () -> resumeWriting(ctx)), identity,
                version, mechanism, userId, SocketEvent.text(ctx.channel().remoteAddress()), () -> {
                    pipe = p;
                    attached = true;
                    if (connecter != null) {
                        connecter.established();
                    }
                });
        switch (admission) {
            case REFUSED -> {
                log.info("{} refuses another peer from {}", socket.type(), ctx.channel().remoteAddress());
                ctx.close();
            }
            case IGNORED -> log.warn("{}: peer {} announced a routing id already in use; its messages are ignored",
                    socket, ctx.channel().remoteAddress());
            case ADMITTED -> {
                FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
                if (decoder != null && decoder.assemblesMessages()) {
                    // Messages come straight from the decoder (NULL, PLAIN and CURVE), not down the pipeline.
                    decoder.deliverMessagesTo(this);
                }
            }
        }
    }

    /** The decoder makes each message as the application's {@code Message}: no second object on the way. */
    @Override
    public ZmtpMessage newMessage(io.netty.buffer.ByteBuf frame) {
        return socket.newMessage(frame);
    }

    @Override
    public ZmtpMessage newMessage(java.util.List<io.netty.buffer.ByteBuf> frames) {
        return socket.newMessage(frames);
    }

    /** Small bodies are copied into buffers the application gave back, when it did (see the socket's receive into). */
    @Override
    public io.netty.buffer.ByteBuf bodyBuffer(int size) {
        return socket.bodyBuffer(size);
    }

    /** A message from the decoder's direct path (see {@link FrameDecoder#deliverMessagesTo}). */
    @Override
    public void message(ZmtpMessage m) {
        if (attached) {
            socket.received(pipe, m);
        } else {
            m.release();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ZmtpMessage m) {
            if (attached) {
                socket.received(pipe, m);
            } else {
                m.release();
            }
        } else if (msg instanceof Command c) {
            if (attached) {
                socket.command(pipe, c);
                socket.flushPipes();
            }
        } else {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    /** The end of one read from the connection: wake the application once for all it brought. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        socket.announceInbound();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        resumeWriting(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    /** Writes what the pipe queued while the connection could take no more, or a borrowed send left there. */
    private void resumeWriting(ChannelHandlerContext ctx) {
        if (attached && ctx.channel().isWritable()) {
            pipe.writeQueued();
            pipe.flushIfDirty();
            socket.pipeHasRoom();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        socket.announceInbound();
        if (attached) {
            attached = false;
            socket.emit(SocketEvent.Type.DISCONNECTED, endpoint, SocketEvent.text(ctx.channel().remoteAddress()));
            socket.pipeDisconnected(pipe);
        }
        if (connecter != null) {
            connecter.connectionClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{}: connection {} failed: {}", socket, ctx.channel().remoteAddress(), io.zmtp.codec.UntrustedText.of(cause));
        } else {
            log.warn("{}: closing connection {}: {}", socket, ctx.channel().remoteAddress(), io.zmtp.codec.UntrustedText.of(cause));
        }
        ctx.close();
    }
}
