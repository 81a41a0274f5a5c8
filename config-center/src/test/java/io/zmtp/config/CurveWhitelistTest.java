package io.zmtp.config;

import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Nodes whitelisted by CURVE public key: encrypted traffic, unknown keys refused and reported. */
class CurveWhitelistTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aWhitelistedKeyConvergesAndAnUnknownKeyIsRefused() {
        CurveKeyPair serverKeys = CurveKeyPair.generate();
        CurveKeyPair web1 = CurveKeyPair.generate();
        CurveKeyPair stranger = CurveKeyPair.generate();
        Whitelist whitelist = new Whitelist().node("web-1", "curve:" + web1.publicKeyZ85(), "app/web");
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore store = H2ConfigStore.inMemory(StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx, serverKeys)) {
            server.publish("app/web", List.of(Change.put("port", "8080")), "test", "");
            try (ConfigAgent good = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                    .node("web-1").curve(serverKeys.publicKeyZ85(), web1).namespaces("app/web").context(ctx).start();
                 ConfigAgent bad = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                    .node("web-1").curve(serverKeys.publicKeyZ85(), stranger).namespaces("app/web").context(ctx).start()) {
                await().atMost(WAIT).until(() -> good.revision("app/web") == 1);
                assertThat(good.getString("app/web", "port")).contains("8080");
                await().atMost(WAIT).until(() -> server.tracker().refusals().stream()
                        .anyMatch(r -> r.user().equals(stranger.publicKeyZ85())));
                assertThat(bad.revision("app/web")).isZero();
                // The text of a CURVE credential is no PLAIN password.
                var plain = new io.zmtp.codec.auth.AuthRequest("", "127.0.0.1", new byte[0], "PLAIN",
                        List.of("web-1".getBytes(), ("curve:" + web1.publicKeyZ85()).getBytes()));
                assertThat(whitelist.authenticator(r -> { }).authenticate(plain).toCompletableFuture().join().allowed()).isFalse();
            }
        }
    }
}
