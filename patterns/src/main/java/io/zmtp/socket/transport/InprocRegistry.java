package io.zmtp.socket.transport;

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
    /** The registry of one context, kept as its inproc transport state. */
    static InprocRegistry of(TransportHost host) {
        return host.context().transportState(InprocRegistry.class, InprocRegistry::new);
    }

    private record Waiting(TransportHost socket, Pipe pipe) {
    }

    private final Map<String, TransportHost> bound = new HashMap<>();
    private final Map<String, List<Waiting>> waiting = new HashMap<>();

    /** Binds {@code name} to {@code binder} and links every connect that waited for it. */
    void bind(String name, TransportHost binder) {
        List<Waiting> ready;
        synchronized (this) {
            TransportHost holder = bound.get(name);
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

    synchronized void unbind(String name, TransportHost binder) {
        bound.remove(name, binder);
    }

    /** Links {@code pipe} of {@code connecter} to the socket bound at {@code name}, now or when it binds. */
    void connect(String name, TransportHost connecter, Pipe pipe) {
        TransportHost binder;
        synchronized (this) {
            binder = bound.get(name);
            if (binder == null) {
                waiting.computeIfAbsent(name, n -> new ArrayList<>()).add(new Waiting(connecter, pipe));
                return;
            }
        }
        link(name, connecter, pipe, binder);
    }

    /** Drops a connect that still waits for its name (its socket is closing). */
    synchronized void forget(Pipe pipe) {
        waiting.values().forEach(list -> list.removeIf(w -> w.pipe() == pipe));
        waiting.values().removeIf(List::isEmpty);
    }

    private void link(String name, TransportHost connecter, Pipe pipe, TransportHost binder) {
        InprocLink link = new InprocLink(this, name, connecter, pipe, binder);
        binder.runOnLoop(() -> InprocTransport.accept(link));
    }
}
