package io.zmtp.socket;

import io.netty.channel.EventLoop;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Runs something on a socket's loop, which owns what it touches, and waits for it from another thread. */
final class LoopCall {
    private LoopCall() {
    }

    /**
     * {@code work} on {@code loop}, at once when already there; from another thread, waits up to
     * 10 s for its result. Its exception, or the wait running out, is an {@link IllegalStateException}
     * naming {@code what}.
     */
    static <T> T read(EventLoop loop, Supplier<T> work, String what) {
        if (loop.inEventLoop()) {
            return work.get();
        }
        try {
            return loop.submit(work::get).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": the socket's loop did not answer within 10 s", e);
        }
    }
}
