package io.zmtp.config.cli;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.agent.WriteDirLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code config-center agent}: keeps namespaces (and optionally files) up to date until interrupted. */
@Command(name = "agent", description = "Run an agent: follow namespaces, keep a cache and optional files.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.START_FAILED, ExitCodes.NOT_STARTED, ExitCodes.STOPPED})
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--updates", defaultValue = "tcp://127.0.0.1:5570", description = "the server's PUB endpoint;"
            + " with replicas, one per server, comma-separated, in the order of --server (default ${DEFAULT-VALUE})")
    String updates;
    @Option(names = "--server", defaultValue = "tcp://127.0.0.1:5571", description = "the server's sync endpoint;"
            + " with replicas on one store, several, comma-separated: used in this order (default ${DEFAULT-VALUE})")
    String sync;
    @Option(names = "--failover-after", defaultValue = "5s", description = "with several servers: move to the next"
            + " after hearing nothing from the current one this long, or at once when its connection drops while the"
            + " next one's (kept open, idle) is up (default ${DEFAULT-VALUE})")
    String failoverAfter;
    @Option(names = "--node", required = true)
    String node;
    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "the node's PLAIN password (visible to anyone who lists processes: prefer --password-file or $"
                    + AgentCommand.PASSWORD_ENV + ")")
    String password;
    @Option(names = "--password-file", paramLabel = "FILE", description = "read the node's password from the first line of FILE")
    Path passwordFile;
    @Spec
    CommandSpec spec;
    @Option(names = "--curve-serverkey", paramLabel = "Z85", description = "CURVE: the server's public key (then --curve-secretkey, not --password)")
    String curveServerKey;
    @Option(names = "--curve-secretkey", paramLabel = "Z85", description = "CURVE: this node's secret key")
    String curveSecretKey;
    @Option(names = "--namespace", required = true, description = "repeatable")
    List<String> namespaces;
    @Option(names = "--cache-dir", defaultValue = ".config-cache", description = "default ${DEFAULT-VALUE}")
    Path cacheDir;
    @Option(names = "--write-dir", paramLabel = "DIR", description = "keep a file per namespace here, a directory per"
            + " '/': app/web is DIR/app/web.json (or .properties); each is replaced whole and ends with a newline")
    Path writeDir;
    @Option(names = "--format", defaultValue = "json", description = "json or properties")
    String format;

    /** The environment variable with the node's password. */
    static final String PASSWORD_ENV = "CONFIG_NODE_PASSWORD";

    @Override
    public Integer call() throws Exception {
        for (String ns : namespaces) {
            Arguments.namespace(spec, ns);
            String noFile = writeDir == null ? null : WriteDirLayout.problem(ns);
            if (noFile != null) {
                throw Arguments.usage(spec, "--write-dir: " + noFile);
            }
        }
        if (!format.equals("json") && !format.equals("properties")) {
            throw Arguments.usage(spec, "--format must be json or properties, got '" + format + "'");
        }
        if (node.isBlank()) {
            throw Arguments.usage(spec, "--node is empty");
        }
        ConfigAgent.Builder b = ConfigAgent.builder()
                .namespaces(namespaces.toArray(String[]::new)).cacheDir(cacheDir)
                .failoverAfter(Arguments.positiveDuration(spec, "--failover-after", failoverAfter));
        List<String> syncs = Arguments.endpoints(spec, "--server", sync);
        List<String> pubs = Arguments.endpoints(spec, "--updates", updates);
        if (syncs.size() != pubs.size()) {
            throw Arguments.usage(spec, "--server lists " + syncs.size() + " servers but --updates " + pubs.size()
                    + ": give each server's updates endpoint, in the same order");
        }
        for (int i = 0; i < syncs.size(); i++) {
            b.alsoServer(pubs.get(i), syncs.get(i));
        }
        if (curveServerKey != null || curveSecretKey != null) {
            if (curveServerKey == null || curveSecretKey == null) {
                throw Arguments.usage(spec, "CURVE needs both --curve-serverkey and --curve-secretkey (this node's key; see zmtp keygen)");
            }
            try {
                io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveServerKey);
                b.node(node).curve(curveServerKey, io.zmtp.codec.curve.CurveKeyPair.fromSecret(
                        io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveSecretKey)));
            } catch (IllegalArgumentException e) {
                throw Arguments.usage(spec, "not a CURVE key: " + e.getMessage());
            }
        } else {
            String pw = Passwords.resolve(spec, "--password", password, "--password-file", passwordFile, PASSWORD_ENV);
            if (pw == null) {
                throw Arguments.usage(spec, "a node password is needed: --password-file, $" + PASSWORD_ENV + " or --password");
            }
            b.node(node, pw);
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
