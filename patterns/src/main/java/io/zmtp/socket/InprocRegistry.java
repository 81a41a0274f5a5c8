package io.zmtp.socket;

import io.zmtp.socket.pipe.Pipe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A context's inproc names: which socket bound each, and the connects waiting for a bind (libzmq
 * 4.x lets a connect come first). Linking happens on the sockets' loops, never under this lock.
 */
final class InprocRegistry {
    private record Waiting(Socket socket, Pipe pipe) {
    }

    private final Map<String, Socket> bound = new HashMap<>();
    private final Map<String, List<Waiting>> waiting = new HashMap<>();

    /** Binds {@code name} to {@code binder} and links every connect that waited for it. */
    void bind(String name, Socket binder) {
        List<Waiting> ready;
        synchronized (this) {
            Socket holder = bound.get(name);
            if (holder != null) {
                throw new IllegalStateException("cannot bind inproc://" + name + ": address already in use by " + holder.type());
            }
            bound.put(name, binder);
            ready = waiting.remove(name);
        }
        if (ready != null) {
            for (Waiting w : ready) {
                link(name, w.socket(), w.pipe(), binder);
            }
        }
    }

    synchronized void unbind(String name, Socket binder) {
        bound.remove(name, binder);
    }

    /** Links {@code pipe} of {@code connecter} to the socket bound at {@code name}, now or when it binds. */
    void connect(String name, Socket connecter, Pipe pipe) {
        Socket binder;
        synchronized (this) {
            binder = bound.get(name);
            if (binder == null) {
                waiting.computeIfAbsent(name, n -> new ArrayList<>()).add(new Waiting(connecter, pipe));
                return;
            }
        }
        link(name, connecter, pipe, binder);
    }

    /** Drops the waiting connects of a socket that is closing. */
    synchronized void forget(Socket socket) {
        waiting.values().forEach(list -> list.removeIf(w -> w.socket() == socket));
        waiting.values().removeIf(List::isEmpty);
    }

    private static void link(String name, Socket connecter, Pipe pipe, Socket binder) {
        InprocLink link = new InprocLink(name, connecter, pipe, binder);
        binder.runOnLoop(() -> binder.acceptInproc(link));
    }
}
