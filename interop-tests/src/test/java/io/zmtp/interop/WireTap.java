package io.zmtp.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between the end that connects and the end that binds (127.0.0.1, port 0 -> the
 * bound port) that keeps the first {@value #KEEP} bytes each way of every connection through it,
 * to show what went over the wire when a cell fails, and counts the ZMTP 3 commands (PING, PONG,
 * ...) each way by name. Closing one side closes the other, so the ends see disconnects as they
 * would without it. {@link #freeze()} makes it stop forwarding on the connections it has, without
 * closing them: to each end the other has gone silent, as a hung or cut-off peer would.
 */
public final class WireTap implements AutoCloseable {
    static final int KEEP = 256;

    private final ServerSocket server;
    private final int targetPort;
    private final String forwardLabel;
    private final String backwardLabel;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * @param targetPort    the port the binding end listens on
     * @param forwardLabel  what to call bytes from the connecting end, e.g. "ours -> libzmq"
     * @param backwardLabel what to call bytes from the binding end
     */
    public WireTap(int targetPort, String forwardLabel, String backwardLabel) {
        this.targetPort = targetPort;
        this.forwardLabel = forwardLabel;
        this.backwardLabel = backwardLabel;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the wire tap", e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "wire-tap-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port to connect to instead of the target's. */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket downstream;
            try {
                downstream = server.accept();
            } catch (IOException e) {
                return;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            } catch (IOException e) {
                // The binding end is not there (yet): the connecting end sees a drop and retries.
                closeQuietly(downstream);
                closeQuietly(upstream);
                continue;
            }
            try {
                downstream.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                // only latency
            }
            Connection c = new Connection(connections.size() + 1, downstream, upstream);
            connections.add(c);
            if (closed) {
                c.close();
                return;
            }
            c.start();
        }
    }

    /**
     * The first bytes each connection carried from the end whose label starts with {@code who}
     * (e.g. "ours SUB"), in connection order; empty when this tap has no such end.
     */
    public List<byte[]> captured(String who) {
        List<byte[]> out = new ArrayList<>();
        boolean forward = forwardLabel.startsWith(who + " ");
        boolean backward = backwardLabel.startsWith(who + " ");
        if (!forward && !backward) {
            return out;
        }
        for (Connection c : connections) {
            out.add(forward ? c.forward.bytes() : c.backward.bytes());
        }
        return out;
    }

    /**
     * How many ZMTP commands named {@code name} (e.g. "PING") every connection carried so far from
     * the end whose label starts with {@code who}; 0 when this tap has no such end.
     */
    public int commands(String who, String name) {
        boolean forward = forwardLabel.startsWith(who + " ");
        boolean backward = backwardLabel.startsWith(who + " ");
        int n = 0;
        if (forward || backward) {
            for (Connection c : connections) {
                n += (forward ? c.forward : c.backward).commands(name);
            }
        }
        return n;
    }

    /**
     * Stops forwarding, both ways, on every connection open now (later connections pass as
     * before). Nothing is closed: bytes either end sends stay with the tap until it closes.
     */
    public void freeze() {
        for (Connection c : connections) {
            c.freeze();
        }
    }

    /** The captured bytes of every connection, as hex. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("wire tap 127.0.0.1:").append(port()).append(" -> 127.0.0.1:").append(targetPort)
                .append(", ").append(connections.size()).append(" connection(s)\n");
        for (Connection c : connections) {
            sb.append("  connection ").append(c.number).append(c.frozen() ? " (frozen)" : "").append('\n');
            sb.append("    ").append(forwardLabel).append(" (").append(c.forward.total()).append(" bytes")
                    .append(c.forward.commandSummary()).append("): ").append(c.forward.hex()).append('\n');
            sb.append("    ").append(backwardLabel).append(" (").append(c.backward.total()).append(" bytes")
                    .append(c.backward.commandSummary()).append("): ").append(c.backward.hex()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Connection c : new ArrayList<>(connections)) {
            c.close();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    private static final class Connection {
        final int number;
        final Socket downstream;
        final Socket upstream;
        final Pump forward;
        final Pump backward;
        private int finished;
        private boolean frozen;
        private boolean closed;

        Connection(int number, Socket downstream, Socket upstream) {
            this.number = number;
            this.downstream = downstream;
            this.upstream = upstream;
            this.forward = new Pump(downstream, upstream, this);
            this.backward = new Pump(upstream, downstream, this);
        }

        void start() {
            forward.start();
            backward.start();
        }

        /** Both directions ended in order: nothing more can pass. */
        synchronized void pumpFinished() {
            if (++finished == 2) {
                close();
            }
        }

        synchronized void freeze() {
            frozen = true;
        }

        synchronized boolean frozen() {
            return frozen;
        }

        /** Holds a pump while the connection is frozen and open. */
        synchronized void awaitThawed() {
            while (frozen && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void close() {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            closeQuietly(downstream);
            closeQuietly(upstream);
        }
    }

    /** Copies one direction, keeps its first bytes and counts the ZMTP commands in it. */
    private static final class Pump extends Thread {
        private final Socket from;
        private final Socket to;
        private final Connection connection;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream(KEEP);
        private long total;
        private final Map<String, Integer> commands = new LinkedHashMap<>();
        // The ZMTP 3 stream as parsed so far: the 64-byte greeting, then frames (flags, size, body).
        private int greetingLeft = 64;
        private int state; // 0 flags, 1 size bytes, 2 body
        private int flags;
        private int sizeBytesLeft;
        private long size;
        private long bodyLeft;
        private int nameLength = -1;
        private final StringBuilder name = new StringBuilder();

        Pump(Socket from, Socket to, Connection connection) {
            super("wire-tap-pump");
            setDaemon(true);
            this.from = from;
            this.to = to;
            this.connection = connection;
        }

        @Override
        public void run() {
            byte[] buf = new byte[64 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while (true) {
                    connection.awaitThawed();
                    n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    record(buf, n);
                    connection.awaitThawed();
                    out.write(buf, 0, n);
                    out.flush();
                }
                // An orderly close on one side is passed on as one.
                to.shutdownOutput();
                connection.pumpFinished();
            } catch (IOException e) {
                // A reset or a close: end both sides, as a broken connection would.
                connection.close();
            }
        }

        private synchronized void record(byte[] buf, int n) {
            int room = KEEP - kept.size();
            if (room > 0) {
                kept.write(buf, 0, Math.min(room, n));
            }
            total += n;
            parse(buf, n);
        }

        /** Follows the frames of the stream (commands have flag 0x04) and counts commands by name. */
        private void parse(byte[] buf, int n) {
            int i = 0;
            while (i < n) {
                if (greetingLeft > 0) {
                    int skip = Math.min(greetingLeft, n - i);
                    greetingLeft -= skip;
                    i += skip;
                    continue;
                }
                int b = buf[i] & 0xff;
                switch (state) {
                    case 0 -> {
                        flags = b;
                        size = 0;
                        sizeBytesLeft = (flags & 0x02) != 0 ? 8 : 1;
                        state = 1;
                        i++;
                    }
                    case 1 -> {
                        size = (size << 8) | b;
                        i++;
                        if (--sizeBytesLeft == 0) {
                            bodyLeft = size;
                            nameLength = (flags & 0x04) != 0 ? -1 : -2;
                            name.setLength(0);
                            state = bodyLeft == 0 ? 0 : 2;
                        }
                    }
                    default -> {
                        if (nameLength == -2) {
                            // a message frame: skip its body
                            int skip = (int) Math.min(bodyLeft, n - i);
                            bodyLeft -= skip;
                            i += skip;
                        } else {
                            if (nameLength == -1) {
                                nameLength = b;
                            } else if (name.length() < nameLength) {
                                name.append((char) b);
                            }
                            bodyLeft--;
                            i++;
                            if (nameLength >= 0 && name.length() == nameLength) {
                                commands.merge(name.toString(), 1, Integer::sum);
                                nameLength = -2;
                            }
                        }
                        if (bodyLeft == 0) {
                            if (nameLength >= 0) {
                                commands.merge(name.toString(), 1, Integer::sum);
                            }
                            state = 0;
                        }
                    }
                }
            }
        }

        synchronized int commands(String commandName) {
            return commands.getOrDefault(commandName, 0);
        }

        synchronized String commandSummary() {
            return commands.isEmpty() ? "" : ", commands " + commands;
        }

        synchronized long total() {
            return total;
        }

        synchronized byte[] bytes() {
            return kept.toByteArray();
        }

        synchronized String hex() {
            byte[] b = kept.toByteArray();
            return b.length == 0 ? "(nothing)" : HexFormat.ofDelimiter(" ").formatHex(b);
        }
    }
}
