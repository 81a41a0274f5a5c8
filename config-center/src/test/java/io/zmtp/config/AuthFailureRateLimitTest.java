package io.zmtp.config;

import io.zmtp.codec.SocketType;
import io.zmtp.config.server.AuthFailureLimit;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.RefusalLog;
import io.zmtp.config.server.ServerLimits;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No rate limit on authentication failures (issue 21): about 1,500 wrong passwords a second, one
 * WARN line each. Now one address gets a burst of failures, then every attempt from it is refused
 * at the handshake (the right password too) until its bucket refills; the log gets one line per
 * interval, not one per attempt.
 */
class AuthFailureRateLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int ATTEMPTS = 40;

    @Test
    void wrongPasswordsFromOneAddressLockItOutAndTheLogStaysShort() {
        // A slow refill (one token in 20 s) keeps the bucket empty for the whole test.
        AuthFailureLimit limit = new AuthFailureLimit(10, 0.05);
        PrintStream savedErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Socket> guessers = new ArrayList<>();
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore store = H2ConfigStore.inMemory(StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, new Whitelist().node("web-1", "pw", "app/web").admin("ops", "adm"),
                     "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx, null,
                     ServerLimits.DEFAULTS, limit)) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            for (int i = 0; i < ATTEMPTS; i++) {
                Socket s = ctx.socket(SocketType.DEALER);
                s.options().linger(0).plainCredentials("ops", "guess-" + i);
                s.connect(server.syncEndpoint());
                guessers.add(s);
            }
            RefusalLog refusals = server.tracker().refusalLog();
            await().atMost(WAIT).until(() -> refusals.total() >= ATTEMPTS);

            Socket rightful = ctx.socket(SocketType.DEALER);
            rightful.options().linger(0).plainCredentials("web-1", "pw");
            rightful.connect(server.syncEndpoint());
            await().atMost(WAIT).until(() -> server.tracker().refusals().stream()
                    .anyMatch(r -> "web-1".equals(r.user()) && r.reason().equals(ConfigServer.RATE_LIMITED)));
            rightful.close();
            guessers.forEach(Socket::close);

            RefusalLog.Entry ops = server.tracker().refusals().stream().filter(r -> "ops".equals(r.user()))
                    .findFirst().orElseThrow();
            assertThat(ops.count()).isEqualTo(ATTEMPTS);
            assertThat(ops.reason()).isEqualTo(ConfigServer.RATE_LIMITED);
        } finally {
            System.setErr(savedErr);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        long lines = text.lines().filter(l -> l.contains("wrong password") || l.contains(ConfigServer.RATE_LIMITED)).count();
        assertThat(lines).as(text).isBetween(1L, 2L);
    }
}
