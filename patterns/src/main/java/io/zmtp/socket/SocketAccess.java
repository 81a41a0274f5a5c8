package io.zmtp.socket;

/**
 * Gives the socket's helpers in other packages (the poller, the transports) the few package-private hooks they
 * need, without making those hooks part of the public socket API.
 */
public final class SocketAccess {
    private SocketAccess() {
    }

    /** {@code events}: the poller's POLLIN and/or POLLOUT; {@code watcher} runs (on the loop) when one may have come. */
    public static void addReadinessWatcher(Socket socket, int events, Runnable watcher) {
        socket.addReadinessWatcher(events, watcher);
    }

    public static void removeReadinessWatcher(Socket socket, int events, Runnable watcher) {
        socket.removeReadinessWatcher(events, watcher);
    }
}
