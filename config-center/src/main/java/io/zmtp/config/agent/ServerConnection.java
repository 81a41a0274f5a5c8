package io.zmtp.config.agent;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Sub;

import java.util.List;
import java.util.function.Consumer;

/**
 * An agent's two sockets to one server, its SUB (updates) and its DEALER (sync), and what their
 * events say of that server. With several servers the agent holds one for the server it uses and,
 * once in step with it, one for the next in its list, the standby: connected and through its
 * handshakes, but subscribed to nothing, so that server sends it nothing until the agent moves there, and a move needs no new
 * connection, handshake or login on the path from a lost server to the next.
 */
final class ServerConnection implements AutoCloseable {
    /**
     * A standby whose server is down retries its connections at growing intervals up to this (ms),
     * not every 100 ms: after a failover between two servers the standby points at the lost one,
     * and a thousand agents retrying both sockets ten times a second would load the machine they
     * share. The sockets in use keep the 100 ms retries that tell a lost server from a dropped
     * connection ({@link #gone}).
     */
    static final long STANDBY_RECONNECT_MAX_MS = 5_000;
    /**
     * A standby whose server is down first retries after 1-2 s, not 100-200 ms: when a replica dies,
     * the standbys of every agent that was not using it drop at once, and each refused attempt costs
     * the agent's process about 135 us of CPU (two sockets a standby, a thousand agents) just when
     * the agents that did use it need the machine to move over.
     */
    static final long STANDBY_RECONNECT_IVL_MS = 1_000;

    /** Position of the server in the agent's list. */
    final int index;
    final ConfigAgent.Endpoints endpoints;
    final Sub sub;
    final Socket dealer;
    private final List<byte[]> topics;
    private final Runnable wake;
    private boolean subscribed;
    private final long openedAt = System.nanoTime();
    /** The retry interval the options gave the sockets (100 ms by default), which they keep while in use. */
    private final long inUseIvl;

    /** When a handshake of either socket last completed (event loop): the server is there, busy or not. */
    private volatile long lastContact;
    private volatile boolean subUp;
    private volatile boolean dealerUp;
    /** The DEALER's connection dropped since it was last up. */
    private volatile boolean dropped;
    /**
     * After it was up, the DEALER's connection dropped and a reconnect failed: the server process is
     * gone (until a handshake succeeds again).
     */
    private volatile boolean gone;
    /** Event loop only. */
    private int retriesSinceDrop;

    /**
     * Opens both sockets to {@code endpoints}, subscribed ({@code standby} false) or standing by;
     * {@code options} sets each socket's options (limits, credentials) before it connects.
     * {@code wake} is called on an event loop when the DEALER's connection drops or the server is
     * found gone.
     */
    ServerConnection(ZmtpContext context, int index, ConfigAgent.Endpoints endpoints, Consumer<Socket> options,
                     List<byte[]> topics, boolean standby, Runnable wake) {
        this.index = index;
        this.endpoints = endpoints;
        this.topics = topics;
        this.wake = wake;
        this.sub = (Sub) context.socket(SocketType.SUB);
        this.dealer = context.socket(SocketType.DEALER);
        options.accept(sub);
        options.accept(dealer);
        inUseIvl = dealer.options().reconnectIvl();
        if (standby) {
            sub.options().reconnectIvl(STANDBY_RECONNECT_IVL_MS).reconnectIvlMax(STANDBY_RECONNECT_MAX_MS);
            dealer.options().reconnectIvl(STANDBY_RECONNECT_IVL_MS).reconnectIvlMax(STANDBY_RECONNECT_MAX_MS);
        } else {
            subscribe();
        }
        sub.addEventListener(this::onSubEvent);
        dealer.addEventListener(this::onDealerEvent);
        sub.connect(endpoints.updates());
        dealer.connect(endpoints.sync());
    }

    /**
     * Subscribes to the agent's namespaces (from now on the server sends this connection their
     * updates) and retries a lost connection at the interval the options gave (100 ms by default) again.
     */
    void subscribe() {
        if (!subscribed) {
            subscribed = true;
            sub.options().reconnectIvl(inUseIvl).reconnectIvlMax(0);
            dealer.options().reconnectIvl(inUseIvl).reconnectIvlMax(0);
            for (byte[] t : topics) {
                sub.subscribe(t);
            }
        }
    }

    /** When the sockets were opened (System.nanoTime). */
    long openedAt() {
        return openedAt;
    }

    long lastContact() {
        return lastContact;
    }

    /** Both sockets are through their handshakes now. */
    boolean isUp() {
        return subUp && dealerUp;
    }

    /** The DEALER's connection dropped and has not come back. */
    boolean dropped() {
        return dropped;
    }

    /** The server process is gone: its connection dropped and reconnecting was refused (twice). */
    boolean gone() {
        return gone;
    }

    private void onSubEvent(SocketEvent ev) {
        switch (ev.type()) {
            case HANDSHAKE_SUCCEEDED -> {
                lastContact = System.nanoTime();
                subUp = true;
            }
            case DISCONNECTED -> subUp = false;
            default -> {
            }
        }
    }

    private void onDealerEvent(SocketEvent ev) {
        switch (ev.type()) {
            case HANDSHAKE_SUCCEEDED -> {
                // Back (a restarted server, or a standby's server that came back): neither dropped nor gone.
                lastContact = System.nanoTime();
                dealerUp = true;
                dropped = false;
                gone = false;
                retriesSinceDrop = 0;
            }
            case DISCONNECTED -> {
                boolean wasUp = dealerUp;
                dealerUp = false;
                retriesSinceDrop = 0;
                if (wasUp) {
                    dropped = true;
                    wake.run();
                }
            }
            case CONNECT_RETRIED -> {
                if (dropped && ++retriesSinceDrop >= 2 && !gone) {
                    gone = true;
                    wake.run();
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void close() {
        sub.close();
        dealer.close();
    }

    @Override
    public String toString() {
        return endpoints.sync();
    }
}
