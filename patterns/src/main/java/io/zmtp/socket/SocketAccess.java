package io.zmtp.socket;

/**
 * Gives the socket's helpers in other packages (the poller) the few package-private hooks they
 * need, without making those hooks part of the public socket API.
 */
public final class SocketAccess {
    private SocketAccess() {
    }

    public static void addReadinessWatcher(Socket socket, Runnable watcher) {
        socket.addReadinessWatcher(watcher);
    }

    public static void removeReadinessWatcher(Socket socket, Runnable watcher) {
        socket.removeReadinessWatcher(watcher);
    }
}
