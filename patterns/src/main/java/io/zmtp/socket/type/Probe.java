package io.zmtp.socket.type;

import io.netty.buffer.Unpooled;
import io.zmtp.socket.Message;
import io.zmtp.socket.pipe.Pipe;

import static io.zmtp.socket.SocketTypeSupport.*;

/** PROBE_ROUTER's probe: an empty one-frame message, the first thing a new peer gets. */
final class Probe {
    private Probe() {
    }

    static void send(Pipe pipe) {
        pipe.enqueue(toWire(Message.of(Unpooled.EMPTY_BUFFER)));
    }
}
