package io.zmtp.config.console;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A namespace's rollout as Server-Sent Events: the rollout of its latest revision at once and
 * again whenever it changes (nodes applying, going offline, a new revision), looked at every
 * {@link #EVERY_MILLIS} ms on a worker thread, plus a keep-alive comment every 15 s so idle
 * proxies and the console's own idle timeout leave the stream open. One look at a time per
 * stream, and none while the browser is not reading (the connection is not writable).
 */
final class RolloutStream {
    static final long EVERY_MILLIS = 200;
    static final long KEEPALIVE_MILLIS = 15_000;

    private final ConsoleHandler.Shared shared;
    private final Channel ch;
    private final String ns;
    private final AtomicBoolean looking = new AtomicBoolean();
    private String last;
    private long lastWriteAt;
    private ScheduledFuture<?> timer;

    RolloutStream(ConsoleHandler.Shared shared, Channel ch, String ns) {
        this.shared = shared;
        this.ch = ch;
        this.ns = ns;
    }

    /** Sends the response head and starts looking. Called on the channel's loop. */
    void start() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        Responses.secure(head.headers());
        HttpUtil.setTransferEncodingChunked(head, true);
        ch.writeAndFlush(head);
        lastWriteAt = System.nanoTime();
        timer = ch.eventLoop().scheduleAtFixedRate(this::tick, 0, EVERY_MILLIS, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> timer.cancel(false));
    }

    /** On the loop: start one look unless one is running or the browser is behind. */
    private void tick() {
        if (shared.closed || !ch.isActive()) {
            timer.cancel(false);
            return;
        }
        if (System.nanoTime() - lastWriteAt > TimeUnit.MILLISECONDS.toNanos(KEEPALIVE_MILLIS) && ch.isWritable()) {
            write(": keepalive\n\n");
        }
        if (!ch.isWritable() || !looking.compareAndSet(false, true)) {
            return;
        }
        try {
            shared.workers.execute(this::look);
        } catch (RejectedExecutionException busy) {
            looking.set(false);
        }
    }

    /** On a worker: the rollout now; written only when it differs from the last one sent. */
    private void look() {
        try {
            String json = ConsoleApi.JSON.writeValueAsString(shared.api.rollout(ns, null));
            ch.eventLoop().execute(() -> {
                if (!json.equals(last) && ch.isActive()) {
                    last = json;
                    write("event: rollout\ndata: " + json + "\n\n");
                }
            });
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            ch.eventLoop().execute(() -> write("event: failure\ndata: " + e.getClass().getSimpleName() + "\n\n"));
        } finally {
            looking.set(false);
        }
    }

    private void write(String event) {
        lastWriteAt = System.nanoTime();
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(event.getBytes(StandardCharsets.UTF_8))));
    }
}
