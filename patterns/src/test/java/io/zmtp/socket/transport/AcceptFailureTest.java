package io.zmtp.socket.transport;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile-input finding I: a process out of file descriptors printed Netty's "reached the tail of
 * the pipeline" stack trace for every failed accept. A REP server runs in a JVM of its own under
 * {@code ulimit -n}; the test opens far more connections than it may accept, so accept fails with
 * EMFILE for a while. Its log holds a bounded number of lines about it, no stack trace, and once
 * the connections are gone a normal client is served again.
 */
class AcceptFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int FD_LIMIT = 400;

    /** The server: a REP echoing requests; prints {@code PORT n}, serves until stdin closes. */
    public static void main(String[] args) throws Exception {
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            Socket rep = ctx.socket(SocketType.REP);
            rep.bind("tcp://127.0.0.1:*");
            // One round trip first: every class a connection needs is loaded while descriptors
            // are there to open class files with (a class that fails to load stays failed).
            Socket warmUp = ctx.socket(SocketType.REQ);
            warmUp.connect("tcp://127.0.0.1:" + rep.boundPort());
            warmUp.send(Message.of("warm-up"));
            try (Message m = rep.receive(Duration.ofSeconds(30))) {
                rep.send(Message.of("ok"));
            }
            try (Message m = warmUp.receive(Duration.ofSeconds(30))) {
                warmUp.close();
            }
            System.out.println("PORT " + rep.boundPort());
            System.out.flush();
            Thread serve = new Thread(() -> {
                while (!rep.isClosed()) {
                    try (Message m = rep.receive(Duration.ofMillis(200))) {
                        if (m != null) {
                            rep.send(Message.of("echo " + m.string(0)));
                        }
                    } catch (IllegalStateException closed) {
                        return;
                    }
                }
            });
            serve.setDaemon(true);
            serve.start();
            while (System.in.read() >= 0) {
                // Serve until the test closes our standard input.
            }
        }
    }

    @Test
    void runningOutOfDescriptorsLogsABoundedNumberOfLinesAndServesAgainAfterwards() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String command = "ulimit -n " + FD_LIMIT + " && exec '" + java + "' -Xmx64m -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' " + AcceptFailureTest.class.getName();
        Process server = new ProcessBuilder("bash", "-c", command).start();
        BlockingQueue<String> out = lines(server.getInputStream());
        BlockingQueue<String> err = lines(server.getErrorStream());
        List<java.net.Socket> flood = new ArrayList<>();
        try {
            String first = out.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(first).as("server start (stderr: %s)", err).startsWith("PORT ");
            int port = Integer.parseInt(first.substring(5).trim());
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            // Connections complete in the kernel's backlog whether or not the server can accept
            // them; three times its descriptor limit is sure to run it out.
            for (int i = 0; i < 3 * FD_LIMIT; i++) {
                java.net.Socket s = new java.net.Socket();
                try {
                    s.connect(address, 2000);
                    flood.add(s);
                } catch (java.io.IOException backlogFull) {
                    s.close();
                }
            }
            // The server hits EMFILE and says so.
            await().atMost(WAIT).until(() -> err.stream().anyMatch(l -> l.contains("Too many open files")));
            for (java.net.Socket s : flood) {
                s.close();
            }
            flood.clear();
            // Afterwards a normal client is served.
            try (ZmtpContext ctx = new ZmtpContext(1)) {
                Socket req = ctx.socket(SocketType.REQ);
                req.options().linger(0);
                req.connect("tcp://127.0.0.1:" + port);
                assertThat(req.send(Message.of("hello"), WAIT)).isTrue();
                try (Message reply = req.receive(WAIT)) {
                    assertThat(reply).as("reply after the flood (stderr: %s)", err).isNotNull();
                    assertThat(reply.string(0)).isEqualTo("echo hello");
                }
            }
            List<String> log = new ArrayList<>(err);
            long aboutAccept = log.stream().filter(l -> l.contains("Too many open files")).count();
            assertThat(log).noneMatch(l -> l.contains("reached at the tail of the pipeline"));
            assertThat(log).noneMatch(l -> l.startsWith("\tat "));
            assertThat(aboutAccept).as("lines about failed accepts: %s", log).isBetween(1L, 5L);
        } finally {
            for (java.net.Socket s : flood) {
                s.close();
            }
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static BlockingQueue<String> lines(java.io.InputStream in) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    q.add(l);
                }
            } catch (java.io.IOException ignored) {
                // The process ended.
            }
        });
        t.setDaemon(true);
        t.start();
        return q;
    }
}
