package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * PEER (libzmq's draft API): SERVER's routing by id, between equals. {@link #connectPeer} connects
 * and returns the routing id of that peer at once, so the first message can go before the
 * connection is up (it waits in the peer's queue); peers that connect here get their ids as SERVER
 * gives them. One-frame messages; any number of threads may use the socket at once.
 */
public final class Peer extends Server {
    /** The id of the last pipe a connect made (libzmq's {@code _peer_last_routing_id}); loop only. */
    private int lastConnected;
    private final Object connecting = new Object();

    public Peer(ZmtpContext context) {
        super(context, SocketType.PEER);
    }

    @Override
    protected void attach(Pipe pipe) {
        super.attach(pipe);
        if (pipe.isConnectSide()) {
            lastConnected = idOf(pipe);
        }
    }

    /**
     * Connects to {@code endpoint} (as {@code connect} does) and returns the routing id that
     * messages to that peer carry, and that its messages arrive with.
     */
    public int connectPeer(String endpoint) {
        synchronized (connecting) {
            connect(endpoint);
            // Runs after the connect's own task on the loop: the pipe and its id exist by then.
            CompletableFuture<Integer> id = new CompletableFuture<>();
            runOnLoop(() -> id.complete(lastConnected));
            try {
                return id.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while connecting to " + endpoint, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("PEER: the connect to " + endpoint + " did not start", e);
            }
        }
    }
}
