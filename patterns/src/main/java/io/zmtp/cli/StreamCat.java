package io.zmtp.cli;

import io.netty.buffer.ByteBufUtil;
import io.zmtp.socket.HostUnreachableException;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code zmtp cat --type STREAM}: netcat over a STREAM socket. The bytes each connection sends are
 * written to stdout as they come (hex, one chunk per line, with {@code --format hex}); each stdin
 * line, with a newline, goes to the connection heard from last. Connections opening and closing
 * are told on stderr. With {@code --connect} it ends when that connection closes (an HTTP server
 * that answered and hung up, say); {@code --count} counts the chunks received.
 */
final class StreamCat {
    private final Socket socket;
    private final boolean hex;
    private final boolean untilClosed;
    private final Integer count;
    private final Long timeoutMillis;
    private final OutputStream out;
    /** The connection heard from last, where stdin lines go. */
    private final AtomicReference<byte[]> last = new AtomicReference<>();
    /** Open connections, by routing id. */
    private final Set<ByteBuffer> open = new HashSet<>();
    private final CountDownLatch firstConnection = new CountDownLatch(1);

    StreamCat(Socket socket, boolean hex, boolean untilClosed, Integer count, Long timeoutMillis, OutputStream out) {
        this.socket = socket;
        this.hex = hex;
        this.untilClosed = untilClosed;
        this.count = count;
        this.timeoutMillis = timeoutMillis;
        this.out = out;
    }

    int run() throws IOException {
        Thread sender = new Thread(this::sendStdin, "zmtp-stdin");
        sender.setDaemon(true);
        sender.start();
        int chunks = 0;
        while (count == null || chunks < count) {
            Message m = socket.receive(Duration.ofMillis(timeoutMillis == null ? -1 : timeoutMillis));
            if (m == null) {
                throw new ZmtpCommand.CliFailure(CatCommand.EXIT_TIMEOUT, "no bytes within " + timeoutMillis + " ms");
            }
            try (m) {
                byte[] id = m.bytes(0);
                String who = ByteBufUtil.hexDump(id);
                if (m.frame(1).readableBytes() == 0) {
                    // A notice: a new connection opened, or an open one closed.
                    if (open.remove(ByteBuffer.wrap(id))) {
                        System.err.println("zmtp: connection " + who + " closed");
                        last.getAndUpdate(current -> current != null && Arrays.equals(current, id) ? null : current);
                        if (untilClosed) {
                            return 0;
                        }
                    } else {
                        open.add(ByteBuffer.wrap(id));
                        System.err.println("zmtp: connection " + who + " opened");
                        last.set(id);
                        firstConnection.countDown();
                    }
                    continue;
                }
                last.set(id);
                byte[] bytes = m.bytes(1);
                if (hex) {
                    out.write((ByteBufUtil.hexDump(bytes) + "\n").getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(bytes);
                }
                out.flush();
                chunks++;
            }
        }
        return 0;
    }

    private void sendStdin() {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !socket.isClosed()) {
                // Lines typed (or piped) before the first connection wait for it.
                firstConnection.await();
                byte[] to = last.get();
                if (to == null) {
                    System.err.println("zmtp: no connection yet; line not sent");
                    continue;
                }
                try {
                    socket.send(Message.of(to, (line + "\n").getBytes(StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException | HostUnreachableException e) {
                    System.err.println("zmtp: " + e.getMessage());
                }
            }
        } catch (IOException | IllegalStateException e) {
            // stdin closed or socket closed: nothing more to send
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
