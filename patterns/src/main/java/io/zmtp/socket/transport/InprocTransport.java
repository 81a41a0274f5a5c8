package io.zmtp.socket.transport;

import io.zmtp.codec.SocketType;

import io.zmtp.codec.ZmtpVersion;
import io.zmtp.socket.Endpoint;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.pipe.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sockets of one context connected by an {@link InprocLink} ({@code inproc://name}): no channel,
 * no encoding, the sender's message objects become the receiver's. The socket-type check and the
 * routing ids stand in for the handshake; then each side admits the other like any transport.
 * A connect may come before the bind (libzmq 4.x allows it): it waits in the context's
 * {@link InprocRegistry}.
 */
final class InprocTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(InprocTransport.class);

    @Override
    public String scheme() {
        return "inproc";
    }

    /** A STREAM socket talks to peers that speak no ZMTP, over a byte stream; inproc has none. */
    private static void refuseRaw(TransportHost host, Endpoint endpoint) {
        if (host.type() == SocketType.STREAM) {
            throw new IllegalArgumentException("a STREAM socket speaks raw bytes over tcp or ipc, not " + endpoint);
        }
    }

    @Override
    public Listener bind(TransportHost host, Endpoint endpoint) {
        refuseRaw(host, endpoint);
        InprocRegistry registry = InprocRegistry.of(host);
        registry.bind(endpoint.path(), host);
        String bound = endpoint.toString();
        return Listener.of(bound, () -> {
            registry.unbind(endpoint.path(), host);
            return host.loop().newSucceededFuture(null);
        });
    }

    @Override
    public Dialer connect(TransportHost host, Endpoint endpoint, Pipe pipe) {
        refuseRaw(host, endpoint);
        InprocRegistry registry = InprocRegistry.of(host);
        registry.connect(endpoint.path(), host, pipe);
        return () -> registry.forget(pipe);
    }

    /** Binder's loop: a connect reached the bound socket; admit its peer as a handshake would. */
    static void accept(InprocLink link) {
        TransportHost binder = link.bindEnd.socket();
        TransportHost peer = link.connectEnd.socket();
        Pipe waiting = link.connectEnd.pipe();
        String ep = waiting.endpoint();
        if (binder.isClosing()) {
            // Unbound while this link was on its way: wait for the next bind, as a tcp connect retries.
            peer.runOnLoop(() -> {
                if (!waiting.isClosed() && !peer.isClosing()) {
                    link.registry.connect(link.connectEnd.name(), peer, waiting);
                }
            });
            return;
        }
        if (!admit(link.bindEnd, binder.newPipe(false, ep), true, peer)) {
            // Refused: the connect side stays unlinked, as after a failed handshake.
            link.bindEnd.close();
            peer.runOnLoop(() -> peer.emit(SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL, ep, "refused by " + binder));
            return;
        }
        peer.runOnLoop(() -> {
            // A closing socket still takes the link: LINGER may deliver through it.
            if (waiting.isClosed() || !admit(link.connectEnd, waiting, false, binder)) {
                link.connectEnd.close();
            }
        });
    }

    /** The inproc counterpart of a handshake: socket-type check, then the common admission. */
    private static boolean admit(InprocLink.End end, Pipe pipe, boolean fresh, TransportHost peer) {
        TransportHost self = end.socket();
        String ep = pipe.endpoint();
        if (!self.type().isCompatible(peer.type())) {
            String why = self.type() + " cannot talk to " + peer.type();
            log.warn("{}: {} over {}", self, why, ep);
            self.emit(SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL, ep, why);
            return false;
        }
        byte[] announced = peer.type().sendsIdentity() ? peer.options().identity() : null;
        TransportHost.Admission a = self.admit(pipe, fresh, end, announced, ZmtpVersion.V3_1, "NULL", "", "",
                () -> end.live(pipe));
        switch (a) {
            case REFUSED -> log.info("{} refuses another peer from {}", self.type(), ep);
            case IGNORED -> log.warn("{}: inproc peer on {} announced a routing id already in use; refused", self, ep);
            case ADMITTED -> {
                return true;
            }
        }
        return false;
    }
}
