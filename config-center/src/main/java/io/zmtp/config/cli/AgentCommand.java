package io.zmtp.config.cli;

import io.zmtp.config.agent.ConfigAgent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code config-center agent}: keeps namespaces (and optionally files) up to date until interrupted. */
@Command(name = "agent", description = "Run an agent: follow namespaces, keep a cache and optional files.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--updates", defaultValue = "tcp://127.0.0.1:5570", description = "the server's PUB endpoint (default ${DEFAULT-VALUE})")
    String updates;
    @Option(names = "--server", defaultValue = "tcp://127.0.0.1:5571", description = "the server's sync endpoint (default ${DEFAULT-VALUE})")
    String sync;
    @Option(names = "--node", required = true)
    String node;
    @Option(names = "--password", defaultValue = "${env:CONFIG_NODE_PASSWORD}", description = "default: $CONFIG_NODE_PASSWORD")
    String password;
    @Option(names = "--curve-serverkey", paramLabel = "Z85", description = "CURVE: the server's public key (then --curve-secretkey, not --password)")
    String curveServerKey;
    @Option(names = "--curve-secretkey", paramLabel = "Z85", description = "CURVE: this node's secret key")
    String curveSecretKey;
    @Option(names = "--namespace", required = true, description = "repeatable")
    List<String> namespaces;
    @Option(names = "--cache-dir", defaultValue = ".config-cache", description = "default ${DEFAULT-VALUE}")
    Path cacheDir;
    @Option(names = "--write-dir", description = "keep <namespace>.json / .properties files here")
    Path writeDir;
    @Option(names = "--format", defaultValue = "json", description = "json or properties")
    String format;

    @Override
    public Integer call() throws Exception {
        ConfigAgent.Builder b = ConfigAgent.builder().server(updates, sync)
                .namespaces(namespaces.toArray(String[]::new)).cacheDir(cacheDir);
        if (curveServerKey != null) {
            if (curveSecretKey == null) {
                throw new IllegalArgumentException("--curve-serverkey needs --curve-secretkey (this node's key; see zmtp keygen)");
            }
            b.node(node).curve(curveServerKey, io.zmtp.codec.curve.CurveKeyPair.fromSecret(
                    io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveSecretKey)));
        } else if (password == null) {
            throw new IllegalArgumentException("a node password is needed: --password or $CONFIG_NODE_PASSWORD");
        } else {
            b.node(node, password);
        }
        if (writeDir != null) {
            b.writeDir(writeDir, format);
        }
        try (ConfigAgent agent = b.start()) {
            agent.addListener((ns, rev, changes, now) ->
                    System.out.println(ns + " r" + rev + " applied (" + changes.size() + " changes, digest " + now.digest() + ")"));
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
