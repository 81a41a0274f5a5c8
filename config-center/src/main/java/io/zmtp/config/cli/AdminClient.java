package io.zmtp.config.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.protocol.Wire;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;

import java.time.Duration;
import java.util.List;

/**
 * One admin connection to a running server: a DEALER with the admin's PLAIN credential, sending
 * ADMIN requests and waiting for the RESULT (or ERROR) with the same request number.
 */
final class AdminClient implements AutoCloseable {
    /** A reply: its JSON header and its value frames. */
    record Reply(ObjectNode header, List<byte[]> values) {
    }

    private final ZmtpContext context = new ZmtpContext();
    private final Socket dealer;
    private final Duration timeout;
    private long nextReq = 1;

    AdminClient(String syncEndpoint, String admin, String password, Duration timeout) {
        this.timeout = timeout;
        dealer = context.socket(SocketType.DEALER);
        dealer.options().linger(0).plainCredentials(admin, password);
        Wire.boundInbound(dealer.options(), io.zmtp.config.store.StoreLimits.DEFAULTS);
        dealer.connect(syncEndpoint);
    }

    /** Over CURVE: the server's public key and the admin's secret key (whitelisted as curve:<public key>). */
    AdminClient(String syncEndpoint, String serverKey, String secretKey, Duration timeout, boolean curve) {
        this.timeout = timeout;
        dealer = context.socket(SocketType.DEALER);
        dealer.options().linger(0).curveServerKey(serverKey).curveSecretKey(secretKey);
        Wire.boundInbound(dealer.options(), io.zmtp.config.store.StoreLimits.DEFAULTS);
        dealer.connect(syncEndpoint);
    }

    /** Sends {@code op} with {@code header} fields and value frames; throws with the server's reason on ERROR. */
    Reply call(String op, ObjectNode header, List<byte[]> values) {
        long req = nextReq++;
        header.put("op", op);
        header.put("req", req);
        Message m = Wire.command(Wire.ADMIN, header);
        values.forEach(m::add);
        if (!dealer.send(m, timeout)) {
            m.close();
            throw new IllegalStateException("cannot reach the server (send timed out)");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Message reply = left > 0 ? dealer.receive(Duration.ofNanos(left)) : null;
            if (reply == null) {
                throw new IllegalStateException("no answer from the server within " + timeout.toSeconds()
                        + " s (is it running, and are the admin name and password right?)");
            }
            try (reply) {
                ObjectNode h = Wire.header(reply.bytes(1));
                if (h.path("req").asLong(-1) != req) {
                    continue;
                }
                if (reply.string(0).equals(Wire.ERROR)) {
                    throw new IllegalStateException("server: " + h.path("reason").asText() + " (" + h.path("code").asText() + ")");
                }
                java.util.ArrayList<byte[]> vals = new java.util.ArrayList<>();
                for (int i = 2; i < reply.size(); i++) {
                    vals.add(reply.bytes(i));
                }
                return new Reply(h, vals);
            }
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
