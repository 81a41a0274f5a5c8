package io.zmtp.config.cli;

import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The server the CLI tests talk to, started before each test and closed after it: an embedded
 * store under {@link #dir}, node {@code web-1} (password {@code pw}, namespace {@code app/web})
 * and admin {@code ops} ({@code adm}), loopback endpoints, a 200 ms heartbeat.
 */
abstract class ServerTestBase {
    @TempDir
    Path dir;
    ZmtpContext ctx;
    H2ConfigStore store;
    ConfigServer server;

    @BeforeEach
    void startServer() {
        ctx = new ZmtpContext();
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        server = new ConfigServer(store, new Whitelist().node("web-1", "pw", "app/web").admin("ops", "adm"),
                "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx);
    }

    @AfterEach
    void stopServer() {
        server.close();
        store.close();
        ctx.close();
    }
}
