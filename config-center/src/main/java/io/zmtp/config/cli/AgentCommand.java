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
        if (password == null) {
            throw new IllegalArgumentException("a node password is needed: --password or $CONFIG_NODE_PASSWORD");
        }
        ConfigAgent.Builder b = ConfigAgent.builder().server(updates, sync).node(node, password)
                .namespaces(namespaces.toArray(String[]::new)).cacheDir(cacheDir);
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
