package io.zmtp.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback between a client and a server, for tests that cut connections: it
 * copies bytes both ways and can close every current connection once a number of bytes went
 * from the server to the client (in the middle of a transfer). Clients reconnect through it.
 */
final class Relay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong downstream = new AtomicLong();
    private volatile long cutAt = Long.MAX_VALUE;
    final AtomicInteger cuts = new AtomicInteger();
    private volatile boolean closed;

    Relay(String targetEndpoint) throws IOException {
        String hostPort = targetEndpoint.substring("tcp://".length());
        int colon = hostPort.lastIndexOf(':');
        target = new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "relay-accept");
        t.setDaemon(true);
        t.start();
    }

    String endpoint() {
        return "tcp://127.0.0.1:" + listener.getLocalPort();
    }

    /** Cuts every connection once {@code bytes} more bytes went from the server to the client. */
    void cutAfter(long bytes) {
        cutAt = downstream.get() + bytes;
    }

    long downstreamBytes() {
        return downstream.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target, 5000);
                open.add(client);
                open.add(server);
                pump(client, server, false);
                pump(server, client, true);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean isDownstream) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (isDownstream && downstream.addAndGet(n) >= cutAt) {
                        cutAt = Long.MAX_VALUE;
                        cuts.incrementAndGet();
                        cutAll();
                        return;
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // the other direction or a cut closed it
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private void cutAll() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        cutAll();
    }
}
