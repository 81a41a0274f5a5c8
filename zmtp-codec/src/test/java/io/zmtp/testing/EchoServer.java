package io.zmtp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP echo server on 127.0.0.1 that counts what it received and how its connections
 * ended, so the relay's tests can see a fault from the target's side too, without ZMTP.
 */
public final class EchoServer implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong received = new AtomicLong();
    private final List<String> endings = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public EchoServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "echo-accept");
        t.setDaemon(true);
        t.start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    /** Bytes received over all connections. */
    public long received() {
        return received.get();
    }

    /** How each finished connection ended: "eof" (orderly close) or the exception's message. */
    public List<String> endings() {
        return endings;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = listener.accept();
                open.add(s);
                Thread t = new Thread(() -> echo(s), "echo-" + s.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // closed (the loop ends) or a transient failure
            }
        }
    }

    private void echo(Socket s) {
        byte[] buf = new byte[8192];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                received.addAndGet(n);
                out.write(buf, 0, n);
            }
            endings.add("eof");
        } catch (IOException e) {
            endings.add(String.valueOf(e.getMessage()));
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
