package io.zmtp.socket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A socket's connection events: the listeners the application added and the optional monitor
 * (libzmq's {@code zmq_socket_monitor}). Events are raised on the socket's loop; a listener that
 * throws is logged and the others still hear of the event.
 */
final class SocketEvents {
    private static final Logger log = LoggerFactory.getLogger(SocketEvents.class);

    private final List<Consumer<SocketEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile Monitor monitor;

    void emit(SocketEvent.Type type, String endpoint, String detail) {
        if (listeners.isEmpty()) {
            return;
        }
        SocketEvent e = new SocketEvent(type, endpoint, detail);
        for (Consumer<SocketEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                log.warn("socket event listener failed on {}", io.zmtp.codec.UntrustedText.of(e), ex);
            }
        }
    }

    void add(Consumer<SocketEvent> listener) {
        listeners.add(listener);
    }

    void remove(Consumer<SocketEvent> listener) {
        listeners.remove(listener);
    }

    /** Starts a monitor on {@code endpoint} for {@code types}, replacing an earlier one. */
    void monitor(ZmtpContext context, String endpoint, Set<SocketEvent.Type> types, String lastEndpoint) {
        Monitor m = new Monitor(context, endpoint, types);
        stopMonitor(lastEndpoint);
        monitor = m;
        add(m);
    }

    /** Stops the monitor (it sends MONITOR_STOPPED last); nothing when there is none. */
    void stopMonitor(String lastEndpoint) {
        Monitor m = monitor;
        if (m != null) {
            monitor = null;
            remove(m);
            m.stop(SocketEvent.text(lastEndpoint));
        }
    }
}
