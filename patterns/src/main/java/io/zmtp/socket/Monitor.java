package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Consumer;

/**
 * zmq_socket_monitor: a PAIR socket bound to an inproc endpoint that carries a socket's events in
 * libzmq's format, two frames each: six bytes (event code as a little-endian uint16, then a
 * uint32 value) and the endpoint. Code written for libzmq's monitor reads it unchanged. Events
 * the PAIR cannot take (nobody connected, HWM reached) are dropped, never blocking the socket.
 */
final class Monitor implements Consumer<SocketEvent> {
    private final Socket pair;
    private final Set<SocketEvent.Type> types;

    Monitor(ZmtpContext context, String endpoint, Set<SocketEvent.Type> types) {
        if (!Endpoint.parse(endpoint).isInproc()) {
            throw new IllegalArgumentException("a monitor endpoint is an inproc:// one, as in libzmq: " + endpoint);
        }
        this.types = Set.copyOf(types);
        this.pair = context.socket(SocketType.PAIR);
        pair.options().linger(0);
        try {
            pair.bind(endpoint);
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    @Override
    public void accept(SocketEvent event) {
        if (types.contains(event.type())) {
            publish(event);
        }
    }

    /** Sends MONITOR_STOPPED and closes the PAIR (what is already handed over still arrives). */
    void stop(String endpoint) {
        publish(new SocketEvent(SocketEvent.Type.MONITOR_STOPPED, endpoint, ""));
        pair.close();
    }

    private void publish(SocketEvent event) {
        if (pair.isClosed()) {
            return;
        }
        ByteBuf head = Unpooled.buffer(6).order(ByteOrder.LITTLE_ENDIAN);
        head.writeShortLE(event.type().code()).writeIntLE(event.value());
        Message m = new Message().add(head).add(String.valueOf(event.endpoint()).getBytes(StandardCharsets.UTF_8));
        try {
            if (!pair.trySend(m)) {
                m.close();
            }
        } catch (IllegalStateException closedMeanwhile) {
            m.close();
        }
    }
}
