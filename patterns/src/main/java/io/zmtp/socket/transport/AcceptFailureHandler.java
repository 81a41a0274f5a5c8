package io.zmtp.socket.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The first handler of a listening channel: when accepting fails (EMFILE, ENFILE, ENOBUFS: the
 * process or the machine is out of something), it pauses accepting for {@value #PAUSE_MILLIS} ms
 * and says so in one log line per {@value #LOG_INTERVAL_SECONDS} s with how many failures that
 * line stands for. Without it every failed accept reached the end of the pipeline, where Netty
 * logs a warning with a stack trace. Runs on the listener's loop.
 */
final class AcceptFailureHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptFailureHandler.class);
    /** How long accepting pauses after a failure; the pending connections wait in the kernel's backlog. */
    static final long PAUSE_MILLIS = 100;
    static final long LOG_INTERVAL_SECONDS = 10;

    private final String endpoint;
    private long lastLogNanos;
    private boolean logged;
    private long unlogged;

    AcceptFailureHandler(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        unlogged++;
        long now = System.nanoTime();
        if (!logged || now - lastLogNanos >= TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS)) {
            log.warn("{}: cannot accept connections: {} ({} failure{} since the last such line; accepting pauses {} ms after each)",
                    endpoint, cause.toString(), unlogged, unlogged == 1 ? "" : "s", PAUSE_MILLIS);
            logged = true;
            lastLogNanos = now;
            unlogged = 0;
        }
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                if (ctx.channel().isOpen()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
