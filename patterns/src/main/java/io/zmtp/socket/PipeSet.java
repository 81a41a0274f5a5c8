package io.zmtp.socket;

import io.zmtp.codec.ZmtpVersion;
import io.zmtp.socket.pipe.Link;
import io.zmtp.socket.pipe.PeerInfo;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.FairQueue;
import io.zmtp.socket.transport.TransportHost;

import java.util.ArrayList;
import java.util.List;

/**
 * A socket's peers: every attached pipe, the fair queue over them, the pipes of peers that left
 * but still hold messages for the application, and the one admission sequence every transport's
 * peers go through. Touched on the socket's loop only.
 */
final class PipeSet {
    private final Socket socket;
    private final List<Pipe> pipes = new ArrayList<>();
    /** Pipes of peers that left, kept until the application took what they had sent. */
    private final List<Pipe> retiring = new ArrayList<>();
    /** Fair queue over every attached pipe; used by every type that receives. */
    private final FairQueue fairQueue = new FairQueue();
    /** Counters of pipes that left the set, so that the socket's totals never go down. */
    private long goneMessagesIn;
    private long goneMessagesOut;
    private long goneBytesIn;
    private long goneBytesOut;
    private long goneHwmHits;
    private long goneDrops;

    PipeSet(Socket socket) {
        this.socket = socket;
    }

    List<Pipe> all() {
        return pipes;
    }

    FairQueue fairQueue() {
        return fairQueue;
    }

    /** See {@link TransportHost#admit}. */
    TransportHost.Admission admit(Pipe pipe, boolean fresh, Link link, byte[] announced, ZmtpVersion version,
                                  String mechanism, String userId, String detail, Runnable linked) {
        if (!socket.admits(pipe)) {
            return TransportHost.Admission.REFUSED;
        }
        byte[] id = socket.assignRoutingId(pipe, announced);
        if (id == null) {
            return TransportHost.Admission.IGNORED;
        }
        pipe.connected(link, id, version, mechanism, userId);
        linked.run();
        byte[] hello = socket.options().hello();
        if (hello != null) {
            // HELLO_MSG goes first on every new connection, before a probe or anything queued (as libzmq's).
            link.write(Message.of(hello));
        }
        if (fresh) {
            attach(pipe);
        }
        socket.events.emit(SocketEvent.Type.HANDSHAKE_SUCCEEDED, pipe.endpoint(), detail);
        connected(pipe);
        return TransportHost.Admission.ADMITTED;
    }

    void attach(Pipe pipe) {
        pipes.add(pipe);
        fairQueue.attach(pipe);
        socket.attach(pipe);
    }

    void detach(Pipe pipe) {
        if (pipes.remove(pipe)) {
            leaving(pipe);
            fairQueue.detach(pipe);
            socket.detach(pipe);
        }
        pipe.close();
    }

    /** A connection of {@code pipe} is live: the type hears of it, then what waited is written. */
    void connected(Pipe pipe) {
        socket.connected(pipe);
        pipe.writeQueued();
        socket.outbound.pipeHasRoom();
        flush();
    }

    /**
     * The connection of {@code pipe} went away: DISCONNECT_MSG (an accepted peer) or HICCUP_MSG (a
     * connection this socket made) reaches the application as that peer's last message.
     */
    void disconnected(Pipe pipe) {
        byte[] notice = pipe.isConnectSide() ? socket.options().hiccupMessage() : socket.options().disconnectMessage();
        if (notice != null) {
            socket.inbound.received(pipe, Message.of(notice));
            socket.inbound.announce();
        }
        pipe.disconnected();
        socket.disconnected(pipe);
        if (pipe.isConnectSide()) {
            return;
        }
        if (pipe.hasInbound() && pipes.remove(pipe)) {
            leaving(pipe);
            // Messages that arrived whole before the peer left are still delivered (as libzmq
            // does): the pipe leaves routing now and the fair queue once it is empty.
            socket.detach(pipe);
            retiring.add(pipe);
        } else {
            detach(pipe);
        }
    }

    /** A retiring pipe gave up its last inbound message. */
    void retired(Pipe pipe) {
        if (retiring.remove(pipe)) {
            fairQueue.detach(pipe);
            pipe.close();
        }
    }

    /** Flushes every pipe written to since the last flush. */
    void flush() {
        for (Pipe p : pipes) {
            p.flushIfDirty();
        }
    }

    /** True while a pipe still holds messages or unsent bytes for its peer (LINGER waits). */
    boolean anyUnsent() {
        for (Pipe p : pipes) {
            if (p.outboundDepth() > 0 || p.hasUnsentData()) {
                return true;
            }
        }
        return false;
    }

    /** Messages the pipes hold for their peers. */
    long outboundDepth() {
        long n = 0;
        for (Pipe p : pipes) {
            n += p.outboundDepth();
        }
        return n;
    }

    /** Closes every pipe, attached or retiring. */
    void closeAll() {
        for (Pipe p : new ArrayList<>(pipes)) {
            detach(p);
        }
        for (Pipe p : new ArrayList<>(retiring)) {
            retired(p);
        }
    }

    List<PeerInfo> snapshot() {
        List<PeerInfo> out = new ArrayList<>(pipes.size());
        for (Pipe p : pipes) {
            out.add(p.snapshot());
        }
        return out;
    }

    /** Keeps the counters of a pipe that leaves {@link #pipes} (it receives nothing more). */
    private void leaving(Pipe pipe) {
        PeerInfo p = pipe.snapshot();
        goneMessagesIn += p.messagesIn();
        goneMessagesOut += p.messagesOut();
        goneBytesIn += p.bytesIn();
        goneBytesOut += p.bytesOut();
        goneHwmHits += p.hwmHits();
        goneDrops += p.drops();
    }

    /** The socket's totals (present pipes plus those gone) and its peers. */
    SocketStats stats() {
        List<PeerInfo> peers = snapshot();
        long mi = goneMessagesIn;
        long mo = goneMessagesOut;
        long bi = goneBytesIn;
        long bo = goneBytesOut;
        long h = goneHwmHits;
        long d = goneDrops;
        for (PeerInfo p : peers) {
            mi += p.messagesIn();
            mo += p.messagesOut();
            bi += p.bytesIn();
            bo += p.bytesOut();
            h += p.hwmHits();
            d += p.drops();
        }
        return new SocketStats(mi, mo, bi, bo, h, d, peers);
    }
}
