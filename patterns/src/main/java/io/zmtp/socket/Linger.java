package io.zmtp.socket;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.zmtp.socket.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a socket closes, on its loop: stop listening, then wait up to LINGER for what is queued to
 * be written (connections made or being made stay up meanwhile), then close every connection and
 * pipe, release what is left, and report CLOSED once every channel has closed. Whatever throws on
 * the way (a socket type's hook, or the JVM out of direct memory) is logged, what is left is closed
 * anyway and {@code close()} returns: a failure while closing must not leave the caller waiting.
 */
final class Linger {
    private static final Logger log = LoggerFactory.getLogger(Linger.class);
    private final Socket socket;
    private final List<Future<?>> listenersClosing = new ArrayList<>();

    Linger(Socket socket) {
        this.socket = socket;
    }

    /** Loop: begins closing; {@code done} completes after CLOSED. */
    void begin(long lingerMillis, CompletableFuture<Void> done) {
        try {
            for (Transport.Listener l : socket.listeners) {
                listenersClosing.add(l.close());
            }
            socket.outbound.drain();
        } catch (Throwable e) {
            failed(e, done);
            return;
        }
        long deadline = lingerMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMillis);
        await(deadline, done);
    }

    private void await(long deadline, CompletableFuture<Void> done) {
        try {
            awaitOrFinish(deadline, done);
        } catch (Throwable e) {
            failed(e, done);
        }
    }

    /** Closing went wrong part-way: close what is left as well as can be, and let close() return. */
    private void failed(Throwable e, CompletableFuture<Void> done) {
        log.warn("{}: closing failed part-way, closing what is left: {}", socket, e.toString(), e);
        try {
            finish();
        } catch (Throwable again) {
            log.warn("{}: closing what was left failed too: {}", socket, again.toString());
        }
        done.complete(null);
    }

    private void awaitOrFinish(long deadline, CompletableFuture<Void> done) {
        socket.outbound.drain();
        if (System.nanoTime() >= deadline || nothingLeftToSend()) {
            List<Future<?>> closing = new ArrayList<>(listenersClosing);
            socket.connections.forEach(ch -> closing.add(ch.closeFuture()));
            finish();
            // CLOSED comes once every channel has closed (so DISCONNECTED comes first, and no
            // channel is still closing when a context then shuts its loops down).
            AtomicInteger left = new AtomicInteger(closing.size() + 1);
            Runnable oneClosed = () -> {
                if (left.decrementAndGet() == 0) {
                    socket.loop.execute(() -> {
                        socket.events.emit(SocketEvent.Type.CLOSED, SocketEvent.text(socket.lastEndpoint()), "");
                        done.complete(null);
                    });
                }
            };
            closing.forEach(f -> f.addListener(x -> oneClosed.run()));
            oneClosed.run();
            return;
        }
        socket.loop.schedule(() -> await(deadline, done), 5, TimeUnit.MILLISECONDS);
    }

    private boolean nothingLeftToSend() {
        if (socket.pipes.all().isEmpty()) {
            // No peer, and none can come (listeners are closed): queued messages have nowhere to go.
            return true;
        }
        return !socket.outbound.hasQueued() && !socket.pipes.anyUnsent();
    }

    private void finish() {
        for (Transport.Dialer d : socket.dialers) {
            d.stop();
        }
        // Connections still in their handshake belong to no pipe yet; close them too.
        for (Channel ch : new ArrayList<>(socket.connections)) {
            ch.close();
        }
        socket.pipes.closeAll();
        socket.outbound.releaseAll();
        socket.inbound.releaseAll();
        socket.closed();
    }
}
