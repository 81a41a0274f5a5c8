package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.AuthRequest;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.auth.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ZAP (RFC 27) for users who run their own handler, as with libzmq: the handler binds a REP (or
 * ROUTER) socket to {@code inproc://zeromq.zap.01} in the same context, and a server socket whose
 * authenticator is a {@code ZapClient} sends it one request per connecting peer:
 * {@code "" "1.0" id domain address identity mechanism credentials...}, expecting
 * {@code "" "1.0" id status-code status-text user-id metadata}. A handler that does not answer
 * within the timeout counts as status 500 (the handshake fails; libzmq would wait for its timer).
 */
public final class ZapClient implements Authenticator, AutoCloseable {
    /** Where libzmq looks for the ZAP handler. */
    public static final String ENDPOINT = "inproc://zeromq.zap.01";
    private static final Logger log = LoggerFactory.getLogger(ZapClient.class);

    private final Socket dealer;
    private final Duration timeout;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, CompletableFuture<AuthResult>> pending = new ConcurrentHashMap<>();

    public ZapClient(ZmtpContext context) {
        this(context, Duration.ofSeconds(10));
    }

    public ZapClient(ZmtpContext context, Duration timeout) {
        this.timeout = timeout;
        this.dealer = context.socket(SocketType.DEALER);
        dealer.options().linger(0);
        dealer.connect(ENDPOINT);
        dealer.onMessage(this::reply);
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        String id = Long.toString(ids.incrementAndGet());
        CompletableFuture<AuthResult> answer = new CompletableFuture<>();
        pending.put(id, answer);
        Message m = new Message().add(new byte[0]).add("1.0").add(id).add(request.domain()).add(request.address())
                .add(request.identity()).add(request.mechanism());
        for (byte[] c : request.credentials()) {
            m.add(c);
        }
        if (!dealer.trySend(m)) {
            m.close();
            pending.remove(id);
            return CompletableFuture.completedFuture(new AuthResult(500, "ZAP handler unreachable", "", Metadata.empty()));
        }
        return answer.completeOnTimeout(new AuthResult(500, "no ZAP reply within " + timeout, "", Metadata.empty()),
                timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> pending.remove(id));
    }

    /** On the dealer's loop: a reply from the handler. */
    private void reply(Message m) {
        try (m) {
            if (m.size() != 7 || m.frame(0).isReadable() || !"1.0".equals(m.string(1))) {
                log.warn("malformed ZAP reply ({} frames); ignored", m.size());
                return;
            }
            CompletableFuture<AuthResult> answer = pending.get(m.string(2));
            if (answer == null) {
                return;
            }
            int status;
            try {
                status = Integer.parseInt(m.string(3));
            } catch (NumberFormatException e) {
                status = 500;
            }
            if (status != 200 && status != 300 && status != 400) {
                status = 500;
            }
            Metadata metadata = Metadata.empty();
            ByteBuf meta = m.frame(6);
            if (meta.isReadable()) {
                try {
                    metadata = Metadata.decode(meta.duplicate());
                } catch (RuntimeException e) {
                    log.warn("ZAP reply metadata unreadable: {}", io.zmtp.codec.UntrustedText.of(e));
                    status = 500;
                }
            }
            String text = m.string(4);
            String user = status == 200 ? m.string(5) : "";
            answer.complete(new AuthResult(status, text.isEmpty() ? String.valueOf(status) : text, user, metadata));
        }
    }

    @Override
    public void close() {
        dealer.close();
        pending.values().forEach(f -> f.complete(new AuthResult(500, "ZAP client closed", "", Metadata.empty())));
    }
}
