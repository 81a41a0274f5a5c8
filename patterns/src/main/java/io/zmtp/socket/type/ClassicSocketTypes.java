package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.SocketTypeProvider;
import io.zmtp.socket.SocketTypeRegistry;

/** The eleven socket types of ZMTP 3.0 (RFC 23/28/29/30/31) and raw STREAM, as libzmq 4.3 has them. */
public final class ClassicSocketTypes implements SocketTypeProvider {
    @Override
    public void registerTypes(SocketTypeRegistry registry) {
        registry.register(SocketType.REQ, Req::new)
                .register(SocketType.REP, Rep::new)
                .register(SocketType.DEALER, Dealer::new)
                .register(SocketType.ROUTER, Router::new)
                .register(SocketType.PUB, Pub::new)
                .register(SocketType.SUB, Sub::new)
                .register(SocketType.XPUB, XPub::new)
                .register(SocketType.XSUB, XSub::new)
                .register(SocketType.PUSH, Push::new)
                .register(SocketType.PULL, Pull::new)
                .register(SocketType.PAIR, Pair::new)
                .register(SocketType.STREAM, Stream::new);
    }
}
