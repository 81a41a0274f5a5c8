package io.zmtp.config.cli;

import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The server the CLI tests talk to: an embedded store under {@code dir}, node {@code web-1}
 * (password {@code pw}, namespace {@code app/web}) and admin {@code ops} ({@code adm}), loopback
 * endpoints, a 200 ms heartbeat.
 */
final class TestServer implements AutoCloseable {
    final ZmtpContext ctx = new ZmtpContext();
    final H2ConfigStore store;
    final ConfigServer server;

    TestServer(Path dir) {
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        server = new ConfigServer(store, new Whitelist().node("web-1", "pw", "app/web").admin("ops", "adm"),
                "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx);
    }

    @Override
    public void close() {
        server.close();
        store.close();
        ctx.close();
    }
}
