package io.zmtp.socket.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.socket.Endpoint;
import io.zmtp.socket.LoopPermit;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.SocketOptions;
import io.zmtp.socket.pipe.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one connected endpoint connected: connects at once, and after a refused connect or a lost
 * connection tries again after RECONNECT_IVL plus a random part of it, doubling up to
 * RECONNECT_IVL_MAX when that is set, as libzmq does. After a protocol, version, mechanism,
 * socket-type or authentication failure it gives up, as libzmq does. Runs on the socket's loop.
 */
final class Connecter implements Transport.Dialer {
    private static final Logger log = LoggerFactory.getLogger(Connecter.class);

    private final TransportHost socket;
    private final StreamTransport transport;
    private final Pipe pipe;
    private final SocketAddress address;
    private final Endpoint target;
    private final String endpoint;
    private long currentIvl;
    private Channel channel;
    private ScheduledFuture<?> retry;
    private HandshakeFailed fatal;
    private boolean stopped;
    /** A connection of this connecter got through its handshake (RECONNECT_STOP's "after disconnect"). */
    private boolean wasEstablished;

    Connecter(TransportHost socket, StreamTransport transport, Pipe pipe, Endpoint target, SocketAddress address) {
        this.socket = socket;
        this.transport = transport;
        this.pipe = pipe;
        this.target = target;
        this.address = address;
        this.endpoint = target.toString();
        this.currentIvl = socket.options().reconnectIvl();
    }

    void start() {
        if (stopped) {
            return;
        }
        retry = null;
        ChannelFuture f = transport.connectBootstrap(socket, pipe, target, this).connect(address);
        channel = f.channel();
        if (!f.isDone()) {
            socket.emit(SocketEvent.Type.CONNECT_DELAYED, endpoint, "");
        }
        f.addListener(done -> {
            LoopPermit permit = socket.permit();
            if (permit != null && channel.eventLoop().inEventLoop()) {
                permit.hold();
            }
            if (!done.isSuccess()) {
                log.debug("connect to {} failed: {}", endpoint, done.cause().toString());
                if (done.cause() instanceof java.net.ConnectException && stopsOn(SocketOptions.STOP_CONN_REFUSED)) {
                    giveUp("connection refused (RECONNECT_STOP)");
                    return;
                }
                scheduleRetry();
            } else {
                socket.emit(SocketEvent.Type.CONNECTED, endpoint, SocketEvent.text(channel.remoteAddress()));
                // The connection's end reaches connectionClosed() from PeerHandler.channelInactive,
                // after DISCONNECTED is reported.
            }
        });
    }

    /** The handshake failed: a reason that rules out retrying (or RECONNECT_STOP's) ends the connecting. */
    void handshakeFailed(HandshakeFailed failed) {
        if (!failed.reason().retryable() || stopsOn(SocketOptions.STOP_HANDSHAKE_FAILED)) {
            this.fatal = failed;
        }
    }

    /** A connection completed its handshake: the back-off starts over. */
    void established() {
        currentIvl = socket.options().reconnectIvl();
        wasEstablished = true;
    }

    private boolean stopsOn(int flag) {
        return (socket.options().reconnectStop() & flag) != 0;
    }

    /** Stops for good: the pipe leaves the socket (its queued messages with it), as after a fatal failure. */
    private void giveUp(String why) {
        log.info("not reconnecting to {}: {}", endpoint, why);
        stopped = true;
        socket.detachPipe(pipe);
    }

    /** The connection this connecter made has ended (called from its last handler). */
    void connectionClosed() {
        if (stopped) {
            return;
        }
        if (fatal != null) {
            log.warn("not reconnecting to {}: {} ({})", endpoint, fatal.reason(), io.zmtp.codec.UntrustedText.of(fatal.detail()));
            stopped = true;
            socket.detachPipe(pipe);
            return;
        }
        if (wasEstablished && stopsOn(SocketOptions.STOP_AFTER_DISCONNECT)) {
            giveUp("the connection went away (RECONNECT_STOP)");
            return;
        }
        scheduleRetry();
    }

    private void scheduleRetry() {
        long ivl = socket.options().reconnectIvl();
        // Retries go on while the socket lingers: queued messages may still find their peer.
        if (stopped || ivl < 0) {
            return;
        }
        long max = socket.options().reconnectIvlMax();
        if (max <= ivl) {
            currentIvl = ivl;  // no back-off: every retry waits the interval as it is set now
        }
        long delay = currentIvl + (currentIvl > 0 ? ThreadLocalRandom.current().nextLong(currentIvl) : 0);
        if (max > ivl) {
            currentIvl = Math.min(currentIvl * 2, max);
        }
        socket.emit(SocketEvent.Type.CONNECT_RETRIED, endpoint, delay + " ms");
        retry = channel.eventLoop().schedule(this::start, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        stopped = true;
        if (retry != null) {
            retry.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
    }
}
