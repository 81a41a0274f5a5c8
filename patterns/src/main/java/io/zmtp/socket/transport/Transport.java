package io.zmtp.socket.transport;

import io.netty.util.concurrent.Future;
import io.zmtp.socket.Endpoint;
import io.zmtp.socket.pipe.Pipe;

/**
 * One of ZeroMQ's transports (tcp, ipc, inproc; ws next): how a socket binds and connects the
 * endpoints of its scheme. A transport never routes: it makes connections, and once a peer is
 * through its handshake (or the transport's stand-in for one) it hands the peer to
 * {@link TransportHost#admit}, the one admission sequence of every transport; from then on the
 * peer's {@link io.zmtp.socket.pipe.Link} carries the pipe's messages. Registered by scheme in
 * {@link TransportRegistry}, so a new scheme is one new class.
 */
public interface Transport {
    /** The endpoint scheme this transport serves, e.g. {@code "tcp"}. */
    String scheme();

    /** Parses an endpoint of this scheme; throws {@link IllegalArgumentException} saying what is wrong. */
    default Endpoint parse(String text) {
        return Endpoint.parse(text);
    }

    /**
     * Called on the application thread before {@link #connect}: throws {@link IllegalArgumentException}
     * for an endpoint that can be bound but not connected to (e.g. {@code tcp://*:5555}), so the
     * caller hears of it at once rather than never.
     */
    default void checkConnectable(Endpoint endpoint) {
    }

    /** The same, knowing the socket's type (a transport only some types may use refuses the others). */
    default void checkConnectable(io.zmtp.codec.SocketType type, Endpoint endpoint) {
        checkConnectable(endpoint);
    }

    /**
     * Binds {@code endpoint} for {@code host}'s socket; called on an application thread. Throws
     * {@link IllegalStateException} naming the endpoint when it cannot be bound.
     */
    Listener bind(TransportHost host, Endpoint endpoint);

    /**
     * Starts connecting {@code pipe} (already attached to the socket) to {@code endpoint}, and
     * keeps it connected as the socket's options say; called on the socket's event loop.
     */
    Dialer connect(TransportHost host, Endpoint endpoint, Pipe pipe);

    /** What {@link #bind} made: its real endpoint, and how to stop listening. */
    interface Listener {
        /** The endpoint actually bound (with the real port for a wildcard one). */
        String endpoint();

        /**
         * Stops accepting; called on the socket's loop while it closes. Connections made stay.
         * The future completes once the listener is gone (the socket reports CLOSED after that).
         */
        Future<?> close();

        /** A listener bound at {@code endpoint} that {@code close} stops. */
        static Listener of(String endpoint, java.util.function.Supplier<Future<?>> close) {
            return new Listener() {
                @Override
                public String endpoint() {
                    return endpoint;
                }

                @Override
                public Future<?> close() {
                    return close.get();
                }
            };
        }
    }

    /** What {@link #connect} started: stopped when the socket closes. */
    interface Dialer {
        /** Stops connecting and closes the connection it made; called on the socket's loop. */
        void stop();
    }
}
