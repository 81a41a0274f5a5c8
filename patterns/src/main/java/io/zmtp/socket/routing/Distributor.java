package io.zmtp.socket.routing;

import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.pipe.Pipe;

import java.util.List;

/**
 * Outbound distribution (libzmq's dist_t: PUB, XPUB, RADIO): one message to several peers, each
 * getting its own reference to the same frames; a peer whose queue is full misses it (a drop is
 * counted), one not connected is skipped.
 */
public final class Distributor {
    private Distributor() {
    }

    /** Sends {@code wire} to every pipe in {@code peers}; takes {@code wire} (released here). */
    public static void send(List<Pipe> peers, ZmtpMessage wire) {
        for (int i = 0, n = peers.size(); i < n; i++) {
            Pipe p = peers.get(i);
            if (!p.isReady()) {
                continue;
            }
            if (p.hasRoomOut()) {
                p.enqueue(wire.retainedDuplicateMessage());
            } else {
                p.recordDrop();
            }
        }
        wire.release();
    }
}
