package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.SocketTypeProvider;
import io.zmtp.socket.SocketTypeRegistry;

/**
 * The thread-safe socket types of libzmq's draft API: CLIENT and SERVER (RFC 41), RADIO and DISH
 * (RFC 48), SCATTER and GATHER, PEER and CHANNEL. Their messages are one frame each.
 */
public final class ThreadSafeSocketTypes implements SocketTypeProvider {
    @Override
    public void registerTypes(SocketTypeRegistry registry) {
        registry.register(SocketType.CLIENT, Client::new)
                .register(SocketType.SERVER, Server::new)
                .register(SocketType.RADIO, Radio::new)
                .register(SocketType.DISH, Dish::new)
                .register(SocketType.SCATTER, Scatter::new)
                .register(SocketType.GATHER, Gather::new)
                .register(SocketType.PEER, Peer::new)
                .register(SocketType.CHANNEL, Channel::new);
    }
}
