package io.zmtp.config.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.protocol.Wire;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketOptions;
import io.zmtp.socket.ZmtpContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An admin connection to a running server, or to one of several replicas on one store: a DEALER
 * with the admin's credential, sending ADMIN requests and waiting for the RESULT (or ERROR) with
 * the same request number. With several servers it talks to the first that answers: a request
 * that cannot be sent moves it to the next server, and so does a read that gets no answer; a
 * {@code put} or {@code rollback} that got no answer is not sent again elsewhere (it may have been
 * committed), the error says so.
 */
final class AdminClient implements AutoCloseable {
    /** A reply: its JSON header and its value frames. */
    record Reply(ObjectNode header, List<byte[]> values) {
    }

    /** A reply of one server among several, or why it gave none. */
    record Answer(String server, Reply reply, String error) {
    }

    /** Operations that change the store: never repeated on another server after an unanswered attempt. */
    private static final Set<String> WRITES = Set.of("put", "rollback");
    /** With several servers, how long a request may wait to be sent to one before trying the next. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final ZmtpContext context = new ZmtpContext();
    private final List<String> servers;
    private final Consumer<SocketOptions> credentials;
    private final Duration timeout;
    private Socket dealer;
    private int current;
    /** Servers this client could not connect to; {@link #callEach} does not wait for them again. */
    private final java.util.Map<Integer, String> unreachable = new java.util.HashMap<>();
    private long nextReq = 1;

    /** PLAIN; {@code syncEndpoints} is one endpoint or several, comma-separated. */
    AdminClient(String syncEndpoints, String admin, String password, Duration timeout) {
        this(syncEndpoints, o -> o.plainCredentials(admin, password), timeout);
    }

    /** Over CURVE: the server's public key and the admin's secret key (whitelisted as curve:<public key>). */
    AdminClient(String syncEndpoints, String serverKey, String secretKey, Duration timeout, boolean curve) {
        this(syncEndpoints, o -> o.curveServerKey(serverKey).curveSecretKey(secretKey), timeout);
    }

    private AdminClient(String syncEndpoints, Consumer<SocketOptions> credentials, Duration timeout) {
        List<String> list = new ArrayList<>();
        for (String e : syncEndpoints.split(",")) {
            if (!e.isBlank()) {
                list.add(e.strip());
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no server endpoint in '" + syncEndpoints + "'");
        }
        this.servers = List.copyOf(list);
        this.credentials = credentials;
        this.timeout = timeout;
        open();
    }

    private void open() {
        refused = null;
        dealer = context.socket(SocketType.DEALER);
        dealer.addEventListener(e -> {
            if (e.type() == io.zmtp.socket.SocketEvent.Type.HANDSHAKE_FAILED_AUTH) {
                refused = e.detail();
            }
        });
        dealer.options().linger(0);
        credentials.accept(dealer.options());
        Wire.boundInbound(dealer.options(), io.zmtp.config.store.StoreLimits.DEFAULTS);
        dealer.connect(servers.get(current));
    }

    /** Set (on the socket's loop) when the current server refused our credentials in the handshake. */
    private volatile String refused;

    private void use(int server) {
        if (server != current) {
            dealer.close();
            current = server;
            open();
        }
    }

    /** The servers given, in order. */
    List<String> servers() {
        return servers;
    }

    /**
     * Sends {@code op} with {@code header} fields and value frames to the current server, moving on
     * to the next ones as described above; throws with the server's reason on ERROR.
     */
    Reply call(String op, ObjectNode header, List<byte[]> values) {
        IllegalStateException failed = null;
        for (int tried = 0; tried < servers.size(); tried++) {
            try {
                return callCurrent(op, header, values);
            } catch (Unanswered e) {
                if (servers.size() == 1) {
                    throw new IllegalStateException(e.getMessage());
                }
                if (e.sent && WRITES.contains(op)) {
                    throw new IllegalStateException(servers.get(current) + ": " + e.getMessage() + "; the " + op
                            + " may or may not have been committed: look at history before trying again");
                }
                failed = new IllegalStateException(servers.get(current) + ": " + e.getMessage()
                        + (failed == null ? "" : "; " + failed.getMessage()));
                use((current + 1) % servers.size());
            }
        }
        throw failed;
    }

    /** Asks every server (a read), each for itself: what each answered, or why it did not. */
    List<Answer> callEach(String op, ObjectNode header) {
        List<Answer> out = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            if (unreachable.containsKey(i)) {
                out.add(new Answer(servers.get(i), null, unreachable.get(i)));
                continue;
            }
            use(i);
            try {
                out.add(new Answer(servers.get(i), callCurrent(op, header.deepCopy(), List.of()), null));
            } catch (Unanswered e) {
                if (!e.sent && servers.size() > 1) {
                    unreachable.put(i, e.getMessage());  // a put --wait polls: do not wait for it each time
                }
                out.add(new Answer(servers.get(i), null, e.getMessage()));
            } catch (IllegalStateException e) {
                out.add(new Answer(servers.get(i), null, e.getMessage()));
            }
        }
        return out;
    }

    /** No answer from the current server: the request was never sent, or it was and nothing came back. */
    private static final class Unanswered extends RuntimeException {
        final boolean sent;

        Unanswered(String message, boolean sent) {
            super(message, null, false, false);
            this.sent = sent;
        }
    }

    private Reply callCurrent(String op, ObjectNode header, List<byte[]> values) {
        long req = nextReq++;
        header.put("op", op);
        header.put("req", req);
        Message m = Wire.command(Wire.ADMIN, header);
        values.forEach(m::add);
        Duration connectTimeout = servers.size() > 1 && CONNECT_TIMEOUT.compareTo(timeout) < 0 ? CONNECT_TIMEOUT : timeout;
        if (servers.size() > 1 && !connected(connectTimeout)) {
            // A DEALER queues for a server it never reached: with others to try, send only once connected.
            m.close();
            String why = refused;
            if (why != null) {
                // Reached, and it refused the credentials: the same ones go to every server.
                throw new IllegalStateException(servers.get(current) + ": the server refused the admin name or password ("
                        + why + ")");
            }
            throw new Unanswered("cannot reach the server (no connection within " + connectTimeout.toSeconds() + " s)",
                    false);
        }
        if (!dealer.send(m, timeout)) {
            m.close();
            throw new Unanswered("cannot reach the server (send timed out)", false);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Message reply = left > 0 ? dealer.receive(Duration.ofNanos(left)) : null;
            if (reply == null) {
                throw new Unanswered("no answer from the server within " + timeout.toSeconds()
                        + " s (is it running, and are the admin name and password right?)", true);
            }
            try (reply) {
                ObjectNode h = Wire.header(reply.bytes(1));
                if (h.path("req").asLong(-1) != req) {
                    continue;
                }
                if (reply.string(0).equals(Wire.ERROR)) {
                    throw new IllegalStateException("server: " + h.path("reason").asText() + " (" + h.path("code").asText() + ")");
                }
                ArrayList<byte[]> vals = new ArrayList<>();
                for (int i = 2; i < reply.size(); i++) {
                    vals.add(reply.bytes(i));
                }
                return new Reply(h, vals);
            }
        }
    }

    /** Waits up to {@code limit} for the DEALER to have a connected server; false at once when it refused us. */
    private boolean connected(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (dealer.peers().stream().noneMatch(io.zmtp.socket.pipe.PeerInfo::connected)) {
            if (refused != null) {
                return false;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        return true;
    }

    @Override
    public void close() {
        context.close();
    }
}
