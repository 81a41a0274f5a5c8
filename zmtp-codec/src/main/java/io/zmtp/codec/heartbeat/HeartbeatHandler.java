package io.zmtp.codec.heartbeat;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.command.Ping;
import io.zmtp.codec.command.Pong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * ZMTP 3.1 heartbeats with libzmq's semantics (HEARTBEAT_IVL, _TTL, _TIMEOUT):
 * <ul>
 *   <li>with an interval set, sends a PING every interval, whether or not traffic flows;</li>
 *   <li>after each PING, when no timer runs, waits the timeout for any inbound frame, then closes;</li>
 *   <li>answers every PING with a PONG echoing its context, and when the PING carries a TTL, closes
 *       if nothing arrives within it;</li>
 *   <li>any inbound frame, not only a PONG, counts as a sign of life (as does any read: messages
 *       may reach a {@link io.zmtp.codec.MessageSink} without passing here).</li>
 * </ul>
 * PING and PONG are consumed here; everything else passes on.
 */
public final class HeartbeatHandler extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatHandler.class);
    private static final byte[] NO_CONTEXT = new byte[0];

    private final long intervalMillis;
    private final int ttlDeciseconds;
    private final long timeoutMillis;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> pingTask;
    private ScheduledFuture<?> timeoutTask;
    private ScheduledFuture<?> ttlTask;
    /** A PING armed {@link #ttlTask} during the read now ending: that read is not life after it. */
    private boolean ttlArmedInThisRead;

    public HeartbeatHandler(ZmtpConfig config) {
        this.intervalMillis = config.heartbeatInterval().toMillis();
        this.ttlDeciseconds = (int) (config.heartbeatTtl().toMillis() / 100);
        this.timeoutMillis = config.heartbeatTimeout().toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (intervalMillis > 0 && ctx.channel().isActive()) {
            pingTask = ctx.executor().scheduleAtFixedRate(this::sendPing, intervalMillis, intervalMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void sendPing() {
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.writeAndFlush(new Ping(ttlDeciseconds, NO_CONTEXT), ctx.voidPromise());
        if (timeoutTask == null && timeoutMillis > 0) {
            timeoutTask = ctx.executor().schedule(() -> expire("no traffic within " + timeoutMillis
                    + " ms of our PING"), timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        timeoutTask = cancel(timeoutTask);
        ttlTask = cancel(ttlTask);
        if (msg instanceof Ping ping) {
            ctx.writeAndFlush(new Pong(ping.context()), ctx.voidPromise());
            if (ping.ttlDeciseconds() > 0) {
                long ttl = ping.ttlMillis();
                ttlTask = ctx.executor().schedule(() -> expire("no traffic within the " + ttl
                        + " ms TTL of the peer's PING"), ttl, TimeUnit.MILLISECONDS);
                ttlArmedInThisRead = true;
            }
            return;
        }
        if (msg instanceof Pong) {
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Any read counts as a sign of life, also when the messages it brought went to a
     * {@link io.zmtp.codec.MessageSink} and not past this handler.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        timeoutTask = cancel(timeoutTask);
        if (ttlArmedInThisRead) {
            // The read that brought the PING does not count as life after it.
            ttlArmedInThisRead = false;
        } else {
            ttlTask = cancel(ttlTask);
        }
        ctx.fireChannelReadComplete();
    }

    private void expire(String detail) {
        log.info("ZMTP heartbeat timeout on {}: {}", ctx.channel().remoteAddress(), detail);
        ctx.fireUserEventTriggered(new HeartbeatTimeout(detail));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        pingTask = cancel(pingTask);
        timeoutTask = cancel(timeoutTask);
        ttlTask = cancel(ttlTask);
    }

    private static ScheduledFuture<?> cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
        return null;
    }
}
