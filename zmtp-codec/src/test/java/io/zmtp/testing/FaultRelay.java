package io.zmtp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback between any number of clients and one target, with faults switched on
 * and off while it runs: added latency, a bandwidth cap, a freeze that keeps connections open, a
 * cut after a number of bytes (so it lands inside a ZMTP frame) and a reset (RST) of every
 * connection. Tests of reconnects and retries need a network that misbehaves on cue, which
 * loopback alone never does.
 *
 * <p>Each connection is a pair of sockets and two pump threads (one per direction). Faults apply
 * per chunk read (at most 16 KiB): a delay is added before each chunk is forwarded, a throttle
 * paces each direction of each connection on its own, and a frozen relay reads at most one more
 * chunk per direction and then holds it (TCP flow control stops the sender) until thawed.
 */
public final class FaultRelay implements AutoCloseable {
    /** Which way bytes travel: from the clients to the target, or back. */
    public enum Direction { UPSTREAM, DOWNSTREAM }

    private static final int CHUNK = 16 * 1024;

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Object frozenLock = new Object();
    private final AtomicLong[] forwarded = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong[] cutBudget = {new AtomicLong(-1), new AtomicLong(-1)};
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private volatile long delayNanos;
    private volatile long bytesPerSecond;
    private volatile boolean frozen;
    private volatile boolean closed;

    /** Starts relaying from an ephemeral port on 127.0.0.1 to {@code target}. */
    public FaultRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fault-relay-accept-" + listener.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** Relays to a {@code tcp://host:port} endpoint. */
    public static FaultRelay to(String tcpEndpoint) throws IOException {
        if (!tcpEndpoint.startsWith("tcp://")) {
            throw new IllegalArgumentException("not a tcp endpoint: " + tcpEndpoint);
        }
        String hostPort = tcpEndpoint.substring("tcp://".length());
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        return new FaultRelay(new InetSocketAddress(host.equals("*") ? "127.0.0.1" : host,
                Integer.parseInt(hostPort.substring(colon + 1))));
    }

    /** The endpoint clients connect to instead of the target. */
    public String endpoint() {
        return "tcp://127.0.0.1:" + listener.getLocalPort();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Adds {@code latency} before each chunk is forwarded, both ways; zero turns it off. */
    public FaultRelay delay(Duration latency) {
        delayNanos = latency.toNanos();
        return this;
    }

    /** Caps each direction of each connection at {@code rate} bytes a second; zero turns it off. */
    public FaultRelay throttle(long rate) {
        if (rate < 0) {
            throw new IllegalArgumentException("rate " + rate);
        }
        bytesPerSecond = rate;
        return this;
    }

    /** Stops forwarding; connections stay open and new ones are accepted but carry nothing. */
    public FaultRelay freeze() {
        frozen = true;
        return this;
    }

    /** Forwards again what was held and everything after it. */
    public FaultRelay thaw() {
        synchronized (frozenLock) {
            frozen = false;
            frozenLock.notifyAll();
        }
        return this;
    }

    public boolean frozen() {
        return frozen;
    }

    /**
     * Closes the connection that carries the {@code bytes}-th next byte in {@code direction}, on
     * both sides, after forwarding exactly those bytes (choose a count inside a frame to cut it
     * there). One cut per call; {@link #cuts()} counts the cuts done.
     */
    public FaultRelay cutAfter(Direction direction, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes " + bytes);
        }
        cutBudget[direction.ordinal()].set(bytes);
        return this;
    }

    /** Whether a cut was asked for and has not happened yet. */
    public boolean cutPending() {
        return cutBudget[0].get() >= 0 || cutBudget[1].get() >= 0;
    }

    /**
     * Resets every current connection: both its sockets are closed with SO_LINGER 0, so the client
     * and the target each get an RST instead of an orderly close. Returns how many were reset.
     */
    public int reset() {
        int n = 0;
        for (Link link : links) {
            if (link.abort()) {
                n++;
            }
        }
        resets.addAndGet(n);
        return n;
    }

    /** Switches every fault off (delay, throttle, freeze, pending cuts). */
    public FaultRelay clear() {
        delay(Duration.ZERO).throttle(0);
        cutBudget[0].set(-1);
        cutBudget[1].set(-1);
        return thaw();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int connections() {
        return links.size();
    }

    public int cuts() {
        return cuts.get();
    }

    public int resets() {
        return resets.get();
    }

    /** Bytes forwarded in {@code direction} so far, over all connections. */
    public long forwarded(Direction direction) {
        return forwarded[direction.ordinal()].get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        thaw();
        listener.close();
        for (Link link : links) {
            link.close();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                continue; // closed (the loop ends) or a transient accept failure
            }
            Socket server = new Socket();
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(target, 5000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue; // the target is down: the client sees a closed connection, as it would
            }
            accepted.incrementAndGet();
            Link link = new Link(client, server);
            links.add(link);
            link.start();
        }
    }

    /** One relayed connection: the client's socket, the target's, and a pump each way. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private final AtomicInteger pumpsLeft = new AtomicInteger(2);
        private volatile boolean done;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            pump(client, server, Direction.UPSTREAM);
            pump(server, client, Direction.DOWNSTREAM);
        }

        private void pump(Socket from, Socket to, Direction direction) {
            Thread t = new Thread(() -> {
                try {
                    copy(from.getInputStream(), to.getOutputStream(), direction);
                } catch (IOException | InterruptedException ignored) {
                    // a close, cut or reset of this link ended it
                } finally {
                    close();
                    if (pumpsLeft.decrementAndGet() == 0) {
                        links.remove(this);
                    }
                }
            }, "fault-relay-" + direction.name().toLowerCase() + "-" + from.getPort());
            t.setDaemon(true);
            t.start();
        }

        private void copy(InputStream in, OutputStream out, Direction direction)
                throws IOException, InterruptedException {
            byte[] buf = new byte[CHUNK];
            long paceNanos = System.nanoTime();
            int n;
            while (!done && (n = in.read(buf)) > 0) {
                awaitThaw();
                long delay = delayNanos;
                if (delay > 0) {
                    TimeUnit.NANOSECONDS.sleep(delay);
                }
                int off = 0;
                while (off < n && !done) {
                    long rate = bytesPerSecond;
                    int len = rate > 0 ? (int) Math.min(n - off, Math.max(1, rate / 20)) : n - off;
                    long budget = takeCutBudget(direction, len);
                    int send = budget >= 0 ? (int) budget : len;
                    out.write(buf, off, send);
                    forwarded[direction.ordinal()].addAndGet(send);
                    off += send;
                    if (budget >= 0) {
                        cuts.incrementAndGet();
                        close();
                        return;
                    }
                    if (rate > 0) {
                        paceNanos = Math.max(paceNanos, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(50))
                                + send * 1_000_000_000L / rate;
                        long wait = paceNanos - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                    awaitThaw();
                }
            }
        }

        /**
         * If a cut is pending in this direction and falls within the next {@code len} bytes, claims
         * it and returns how many bytes to forward before cutting; otherwise -1.
         */
        private long takeCutBudget(Direction direction, int len) {
            AtomicLong budget = cutBudget[direction.ordinal()];
            while (true) {
                long left = budget.get();
                if (left < 0) {
                    return -1;
                }
                if (left > len) {
                    if (budget.compareAndSet(left, left - len)) {
                        return -1;
                    }
                } else if (budget.compareAndSet(left, -1)) {
                    return left;
                }
            }
        }

        private void awaitThaw() throws InterruptedException {
            synchronized (frozenLock) {
                while (frozen && !done && !closed) {
                    frozenLock.wait(100);
                }
            }
        }

        /** Resets both sockets; false if the link was already closing. */
        boolean abort() {
            if (done) {
                return false;
            }
            try {
                client.setSoLinger(true, 0);
                server.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed: the close below is then a no-op
            }
            close();
            return true;
        }

        void close() {
            done = true;
            closeQuietly(client);
            closeQuietly(server);
            synchronized (frozenLock) {
                frozenLock.notifyAll();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
