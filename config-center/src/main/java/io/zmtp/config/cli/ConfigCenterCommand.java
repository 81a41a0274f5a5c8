package io.zmtp.config.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.cli.UsageErrorHandler;
import io.zmtp.codec.UntrustedText;
import io.zmtp.config.protocol.Wire;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import io.zmtp.config.model.Change;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code config-center}: run a server or an agent, the demo, and the admin commands against a
 * running server. Exit codes: 0 done, 1 failed (e.g. a wait that timed out, nodes not
 * converged), 2 bad usage; each command's {@code --help} lists what its own mean. Every option is
 * checked before anything is sent. An error is one line; a usage error's line is followed by the
 * usage of the command that failed ({@link UsageErrorHandler}), so the fix is on the screen.
 */
@Command(name = "config-center", mixinStandardHelpOptions = true, version = "config-center 0.1.0",
        description = "Configuration push center on ZeroMQ sockets.",
        subcommands = {ServerCommand.class, AgentCommand.class, DemoCommand.class,
                ConfigCenterCommand.Put.class, ConfigCenterCommand.Delete.class, ConfigCenterCommand.Get.class,
                ConfigCenterCommand.History.class, ConfigCenterCommand.Diff.class, ConfigCenterCommand.Rollback.class,
                ConfigCenterCommand.Status.class, ConfigCenterCommand.Nodes.class, ConfigCenterCommand.Audit.class,
                ConfigCenterCommand.Promote.class, ConfigCenterCommand.Abort.class},
        exitCodeListHeading = "%nExit codes (each command's --help tells its own):%n",
        exitCodeList = {"0:done", "1:failed", "2:bad usage"})
public final class ConfigCenterCommand {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The tool's command tree, with its error handlers (for {@link #run} and for tests that walk it). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ConfigCenterCommand());
        // Every command takes --help and --version.
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().mixinStandardHelpOptions(true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("config-center: " + oneLine(e));
            return 1;
        });
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        return cl;
    }

    /** An error as one line: its message (Jackson's without the source location), never "null", no stack trace. */
    static String oneLine(Throwable e) {
        String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                : e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return UntrustedText.of(message, 1000);
    }

    /** Where the server is and who the admin is. */
    static final class AdminOptions {
        @Option(names = "--server", defaultValue = "tcp://127.0.0.1:5571", description = "the server's sync endpoint;"
                + " with replicas, several, comma-separated: tried in order, and asked each for status, nodes"
                + " and rollouts (default ${DEFAULT-VALUE})")
        String server;
        @Option(names = "--admin", defaultValue = "admin", description = "admin name (default ${DEFAULT-VALUE})")
        String admin;
        @Option(names = "--admin-password", paramLabel = "PASSWORD",
                description = "admin password (visible to anyone who lists processes: prefer --admin-password-file"
                        + " or $CONFIG_ADMIN_PASSWORD)")
        String password;
        @Option(names = "--admin-password-file", paramLabel = "FILE",
                description = "read the admin password from the first line of FILE")
        Path passwordFile;
        @Option(names = "--request-timeout", defaultValue = "10s", description = "how long to wait for the server's answer (default ${DEFAULT-VALUE})")
        String timeout;

        @Option(names = "--curve-serverkey", paramLabel = "Z85", description = "CURVE server: its public key (then --curve-secretkey)")
        String curveServerKey;
        @Option(names = "--curve-secretkey", paramLabel = "Z85", description = "CURVE: the admin's secret key")
        String curveSecretKey;

        private Duration requestTimeout;
        private String resolvedPassword;

        /** Checks the options and finds the password; a usage error otherwise. */
        void validate(CommandSpec spec) {
            requestTimeout = Arguments.positiveDuration(spec, "--request-timeout", timeout);
            if (server.isBlank()) {
                throw Arguments.usage(spec, "--server is empty");
            }
            Arguments.endpoints(spec, "--server", server);
            if (curveServerKey != null || curveSecretKey != null) {
                if (curveServerKey == null || curveSecretKey == null) {
                    throw Arguments.usage(spec, "CURVE needs both --curve-serverkey and --curve-secretkey");
                }
                for (String key : new String[] {curveServerKey, curveSecretKey}) {
                    try {
                        io.zmtp.codec.curve.CurveKeyPair.decodeKey(key);
                    } catch (IllegalArgumentException e) {
                        throw Arguments.usage(spec, "not a CURVE key: " + e.getMessage());
                    }
                }
                return;
            }
            resolvedPassword = Passwords.resolve(spec, "--admin-password", password, "--admin-password-file",
                    passwordFile, ADMIN_PASSWORD_ENV);
            if (resolvedPassword == null || resolvedPassword.isEmpty()) {
                throw Arguments.usage(spec, "an admin password is needed: --admin-password-file, $"
                        + ADMIN_PASSWORD_ENV + " or --admin-password");
            }
        }

        AdminClient connect() {
            if (curveServerKey != null) {
                return new AdminClient(server, curveServerKey, curveSecretKey, requestTimeout, true);
            }
            return new AdminClient(server, admin, resolvedPassword, requestTimeout);
        }
    }

    /** Most revisions one history call lists. */
    static final int MAX_HISTORY = 1000;

    /** The environment variable with the admin password. */
    static final String ADMIN_PASSWORD_ENV = "CONFIG_ADMIN_PASSWORD";

    abstract static class AdminCall implements Callable<Integer> {
        @Mixin
        AdminOptions admin;
        @Spec
        CommandSpec spec;

        /** Every option is checked before anything is sent: a bad one is a usage error and nothing is committed. */
        @Override
        public Integer call() {
            validate();
            admin.validate(spec);
            try (AdminClient c = admin.connect()) {
                return run(c);
            }
        }

        /** Checks this command's own options and parameters; throws a usage error. */
        void validate() {
        }

        abstract int run(AdminClient c);
    }

    /** The help text of {@code --to} (a format string to picocli: '%%' is one '%'). */
    static final String TO_HELP = "a gray (canary) release for some nodes only: KEY=VALUE[,KEY=VALUE...] (whitelist"
            + " labels, all must match), N (that many nodes) or N%% (that share, rounded up); resolved now to fixed"
            + " node ids, online nodes first. Then 'promote' or 'abort'.";

    /** Checks a {@code --to} selector before anything is sent. */
    static void checkSelector(CommandSpec spec, String to) {
        if (to != null) {
            try {
                io.zmtp.config.server.GraySelector.parse(to);
            } catch (IllegalArgumentException e) {
                throw Arguments.usage(spec, "--to: " + e.getMessage());
            }
        }
    }

    @Command(name = "put", description = {"Commit key=value pairs to a namespace and publish them.",
            "With --to, publish them as a gray revision to the selected nodes only."},
            exitCodeListHeading = ExitCodes.HEADING,
            exitCodeList = {ExitCodes.COMMITTED_AND_WAITED, ExitCodes.WAITED, ExitCodes.USAGE})
    static final class Put extends AdminCall {
        @Parameters(index = "0", description = "namespace")
        String ns;
        @Parameters(index = "1..*", arity = "1..*", description = "key=value ...")
        List<String> pairs;
        @Option(names = {"-m", "--message"}, defaultValue = "", description = "what this change is for")
        String message;
        @Option(names = "--to", paramLabel = "SELECTOR", description = TO_HELP)
        String to;
        @Option(names = "--wait", defaultValue = "none", description = "all | N (>= 1) | none: wait until that many nodes applied it")
        String wait;
        @Option(names = "--timeout", defaultValue = "30s", description = "how long --wait waits (default ${DEFAULT-VALUE})")
        String waitTimeout;
        private int goal;
        private Duration waitFor;

        @Override
        void validate() {
            Arguments.namespace(spec, ns);
            checkSelector(spec, to);
            goal = Arguments.waitGoal(spec, wait);
            waitFor = Arguments.positiveDuration(spec, "--timeout", waitTimeout);
            for (String p : pairs) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw Arguments.usage(spec, "expected key=value, got '" + p + "'");
                }
                try {
                    Change.put(p.substring(0, eq), p.substring(eq + 1));
                } catch (IllegalArgumentException e) {
                    throw Arguments.usage(spec, e.getMessage());
                }
            }
        }

        @Override
        int run(AdminClient c) {
            ObjectNode h = Wire.object();
            h.put("ns", ns);
            h.put("message", message);
            var changes = h.putArray("changes");
            List<byte[]> values = new ArrayList<>();
            for (String p : pairs) {
                int eq = p.indexOf('=');
                changes.addObject().put("key", p.substring(0, eq)).put("op", "put");
                values.add(p.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
            }
            if (to != null) {
                h.put("to", to);
            }
            return committed(c, c.call("put", h, values).header(), goal, waitFor);
        }
    }

    @Command(name = "delete", description = {"Delete keys from a namespace.",
            "With --to, as a gray revision for the selected nodes only."},
            exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {ExitCodes.COMMITTED, ExitCodes.FAILED, ExitCodes.USAGE})
    static final class Delete extends AdminCall {
        @Parameters(index = "0", description = "namespace")
        String ns;
        @Parameters(index = "1..*", arity = "1..*", description = "keys")
        List<String> keys;
        @Option(names = {"-m", "--message"}, defaultValue = "")
        String message;
        @Option(names = "--to", paramLabel = "SELECTOR", description = TO_HELP)
        String to;

        @Override
        void validate() {
            Arguments.namespace(spec, ns);
            checkSelector(spec, to);
            for (String k : keys) {
                try {
                    Change.delete(k);
                } catch (IllegalArgumentException e) {
                    throw Arguments.usage(spec, e.getMessage());
                }
            }
        }

        @Override
        int run(AdminClient c) {
            ObjectNode h = Wire.object();
            h.put("ns", ns);
            h.put("message", message);
            var changes = h.putArray("changes");
            keys.forEach(k -> changes.addObject().put("key", k).put("op", "delete"));
            if (to != null) {
                h.put("to", to);
            }
            return committed(c, c.call("put", h, List.of()).header(), 0, Duration.ZERO);
        }
    }

    @Command(name = "get", description = {"Print a namespace (or one key) as the server holds it.",
            "Control characters in keys and values are shown escaped (\\n, \\u001b, a backslash doubled)."},
            exitCodeListHeading = ExitCodes.HEADING,
            exitCodeList = {"0:printed", "1:failed, or KEY is not in the namespace", ExitCodes.USAGE})
    static final class Get extends AdminCall {
        @Parameters(index = "0")
        String ns;
        @Parameters(index = "1", arity = "0..1")
        String key;
        @Option(names = "--rev", description = "an older revision")
        Long rev;

        @Override
        void validate() {
            Arguments.namespace(spec, ns);
            if (rev != null) {
                Arguments.atLeast(spec, "--rev", rev, 0);
            }
        }

        @Override
        int run(AdminClient c) {
            ObjectNode h = Wire.object();
            h.put("ns", ns);
            if (key != null) {
                h.put("key", key);
            }
            if (rev != null) {
                h.put("rev", rev);
            }
            AdminClient.Reply r = c.call("get", h, List.of());
            System.out.println("# " + ns + " revision " + r.header().path("rev").asLong() + " digest "
                    + UntrustedText.of(r.header().path("digest").asText()));
            JsonNode keys = r.header().path("keys");
            for (int i = 0; i < keys.size(); i++) {
                System.out.println(UntrustedText.of(keys.get(i).asText(), Integer.MAX_VALUE) + "="
                        + UntrustedText.of(new String(r.values().get(i), StandardCharsets.UTF_8), Integer.MAX_VALUE));
            }
            return key != null && keys.isEmpty() ? 1 : 0;
        }
    }

    @Command(name = "history", description = "List a namespace's revisions.",
            exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {ExitCodes.PRINTED, ExitCodes.FAILED, ExitCodes.USAGE})
    static final class History extends AdminCall {
        @Parameters(index = "0")
        String ns;
        @Option(names = "--after", defaultValue = "0")
        long after;
        @Option(names = "--limit", defaultValue = "100", description = "at most this many revisions, 1-1000 (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        void validate() {
            Arguments.namespace(spec, ns);
            Arguments.atLeast(spec, "--after", after, 0);
            Arguments.atLeast(spec, "--limit", limit, 1);
            if (limit > MAX_HISTORY) {
                throw Arguments.usage(spec, "--limit must be <= " + MAX_HISTORY + ", got " + limit);
            }
        }

        @Override
        int run(AdminClient c) {
            ObjectNode h = Wire.object();
            h.put("ns", ns);
            h.put("after", after);
            h.put("limit", limit);
            for (JsonNode r : c.call("history", h, List.of()).header().path("revisions")) {
                List<String> keys = new ArrayList<>();
                r.path("changes").forEach(ch -> keys.add((ch.path("op").asText().equals("delete") ? "-" : "") + ch.path("key").asText()));
                System.out.printf("r%-5d %s %-10s %-21s %s  %s  [%s]%s%n", r.path("rev").asLong(),
                        Instant.ofEpochMilli(r.path("time").asLong()), StatusTable.shown(r, "author"),
                        r.path("source").asText("").isEmpty() ? "-" : StatusTable.shown(r, "source"),
                        UntrustedText.of(r.path("digest").asText(), 16), UntrustedText.of(r.path("message").asText(), 500),
                        UntrustedText.of(String.join(" ", keys), 2000), grayNote(r.path("gray")));
            }
            return 0;
        }
    }

    /** How history marks a gray revision: its state, selector and who settled it. */
    static String grayNote(JsonNode gray) {
        if (gray.isMissingNode()) {
            return "";
        }
        String note = "  GRAY " + StatusTable.shown(gray, "state") + " to " + StatusTable.shown(gray, "to");
        if (gray.has("by")) {
            note += " (" + StatusTable.shown(gray, "by") + " at " + Instant.ofEpochMilli(gray.path("time").asLong()) + ")";
        }
        return note;
    }

    @Command(name = "audit", description = "Who changed what, from where and when: the latest revisions, newest first"
            + " (the author is the admin the server authenticated, not a name the client gave).",
            exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {ExitCodes.PRINTED, ExitCodes.FAILED, ExitCodes.USAGE})
    static final class Audit extends AdminCall {
        @Option(names = "--ns", paramLabel = "NAMESPACE", description = "only this namespace (default: all)")
        String ns;
        @Option(names = "--limit", defaultValue = "50", description = "at most this many revisions, 1-1000 (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        void validate() {
            if (ns != null) {
                Arguments.namespace(spec, ns);
            }
            Arguments.atLeast(spec, "--limit", limit, 1);
            if (limit > MAX_HISTORY) {
                throw Arguments.usage(spec, "--limit must be <= " + MAX_HISTORY + ", got " + limit);
            }
        }

        @Override
        int run(AdminClient c) {
            ObjectNode h = Wire.object();
            if (ns != null) {
                h.put("ns", ns);
            }
            h.put("limit", limit);
            String fmt = "%-24s %-14s %6s %-12s %-21s %7s  %s%n";
            System.out.printf(fmt, "TIME", "NAMESPACE", "REV", "ADMIN", "SOURCE", "CHANGES", "MESSAGE");
            for (JsonNode r : c.call("audit", h, List.of()).header().path("revisions")) {
                // A gray revision is marked [gray ...]; its promote or abort is an entry of its own.
                String what = r.has("action") ? "[" + StatusTable.shown(r, "action") + " gray r" + r.path("rev").asLong() + "] "
                        : r.has("gray") ? "[gray, " + StatusTable.shown(r, "gray") + "] " : "";
                System.out.printf(fmt, Instant.ofEpochMilli(r.path("time").asLong()), StatusTable.shown(r, "ns"),
                        "r" + r.path("rev").asLong(), StatusTable.shown(r, "author"),
                        r.path("source").asText("").isEmpty() ? "-" : StatusTable.shown(r, "source"),
                        r.path("changes").asLong(), what + UntrustedText.of(r.path("message").asText(), 500));
            }
            return 0;
        }
    }

    @Command(name = "diff", description = "What changed in a namespace between two revisions.",
            exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {ExitCodes.PRINTED, ExitCodes.FAILED, ExitCodes.USAGE})
    static final class Diff extends AdminCall {
        @Parameters(index = "0")
        String ns;
        @Parameters(index = "1")
        long from;
        @Parameters(index = "2")
        long to;

        @Override
        void validate() {
            Arguments.namespace(spec, ns);
            Arguments.atLeast(spec, "the first revision", from, 0);
            Arguments.atLeast(spec, "the second revision", to, 0);
        }

        @Override
        int run(AdminClient c) {
            ObjectNode h = Wire.object();
            h.put("ns", ns);
            h.put("from", from);
            h.put("to", to);
            AdminClient.Reply r = c.call("diff", h, List.of());
            int v = 0;
            for (JsonNode ch : r.header().path("changes")) {
                if (ch.path("op").asText().equals("delete")) {
                    System.out.println("- " + UntrustedText.of(ch.path("key").asText(), Integer.MAX_VALUE));
                } else {
                    System.out.println("+ " + UntrustedText.of(ch.path("key").asText(), Integer.MAX_VALUE) + "="
                            + UntrustedText.of(new String(r.values().get(v++), StandardCharsets.UTF_8), Integer.MAX_VALUE));
                }
            }
            return 0;
        }
    }

    @Command(name = "rollback", description = "Make a new revision whose content equals an older one.",
            exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {ExitCodes.COMMITTED, ExitCodes.FAILED, ExitCodes.USAGE})
    static final class Rollback extends AdminCall {
        @Parameters(index = "0")
        String ns;
        @Parameters(index = "1")
        long rev;
        @Option(names = {"-m", "--message"}, defaultValue = "")
        String message;

        @Override
        int run(AdminClient c) {
            ObjectNode h = Wire.object();
            h.put("ns", ns);
            h.put("rev", rev);
            h.put("message", message.isEmpty() ? "rollback to r" + rev : message);
            return committed(c, c.call("rollback", h, List.of()).header(), 0, Duration.ZERO);
        }

        @Override
        void validate() {
            Arguments.namespace(spec, ns);
            Arguments.atLeast(spec, "the revision", rev, 0);
        }
    }

    @Command(name = "promote", description = {"Make a namespace's open gray revision everyone's: it is published to"
            + " all nodes under its own number (the gray nodes hold it already)."},
            exitCodeListHeading = ExitCodes.HEADING,
            exitCodeList = {ExitCodes.COMMITTED_AND_WAITED, ExitCodes.WAITED, ExitCodes.USAGE})
    static final class Promote extends GraySettle {
        Promote() {
            super("promote");
        }
    }

    @Command(name = "abort", description = {"Withdraw a namespace's open gray revision: a new revision restores the"
            + " main line's content; gray nodes go back to it, the others never see the gray content.",
            "The history keeps the gray revision, marked aborted."},
            exitCodeListHeading = ExitCodes.HEADING,
            exitCodeList = {ExitCodes.COMMITTED_AND_WAITED, ExitCodes.WAITED, ExitCodes.USAGE})
    static final class Abort extends GraySettle {
        Abort() {
            super("abort");
        }
    }

    /** {@code promote} and {@code abort}: one namespace, a message, the new revision printed. */
    abstract static class GraySettle extends AdminCall {
        private final String op;
        @Parameters(index = "0", description = "namespace")
        String ns;
        @Option(names = {"-m", "--message"}, defaultValue = "", description = "why")
        String message;
        @Option(names = "--wait", defaultValue = "none", description = "all | N (>= 1) | none: wait until that many nodes applied it")
        String wait;
        @Option(names = "--timeout", defaultValue = "30s", description = "how long --wait waits (default ${DEFAULT-VALUE})")
        String waitTimeout;
        private int goal;
        private Duration waitFor;

        GraySettle(String op) {
            this.op = op;
        }

        @Override
        void validate() {
            Arguments.namespace(spec, ns);
            goal = Arguments.waitGoal(spec, wait);
            waitFor = Arguments.positiveDuration(spec, "--timeout", waitTimeout);
        }

        @Override
        int run(AdminClient c) {
            ObjectNode h = Wire.object();
            h.put("ns", ns);
            h.put("message", message.isEmpty() ? op + " the gray release" : message);
            return committed(c, c.call(op, h, List.of()).header(), goal, waitFor);
        }
    }

    @Command(name = "status", description = {"Per node and namespace: applied revision, digest check, last seen; refused nodes.",
            "GRAY shows r<N> for a node an open gray release selected: 'r<N>' once it runs it, 'r<N>?' before."},
            exitCodeListHeading = ExitCodes.HEADING,
            exitCodeList = {"0:every node holds the latest revision, its digest verified",
                    "1:some node does not (behind, a wrong digest, files not written), or failed", ExitCodes.USAGE})
    static final class Status extends AdminCall {
        @Override
        int run(AdminClient c) {
            ObjectNode merged = ReplicaMerge.status(ReplicaMerge.results(c.callEach("status", Wire.object()), System.err));
            return StatusTable.print(merged, System.out) ? 0 : 1;
        }
    }

    @Command(name = "nodes", description = "The whitelisted nodes and whether they are online.",
            exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {ExitCodes.PRINTED, ExitCodes.FAILED, ExitCodes.USAGE})
    static final class Nodes extends AdminCall {
        @Override
        int run(AdminClient c) {
            ObjectNode merged = ReplicaMerge.nodes(ReplicaMerge.results(c.callEach("nodes", Wire.object()), System.err));
            for (JsonNode n : merged.path("nodes")) {
                List<String> labels = new ArrayList<>();
                n.path("labels").fields().forEachRemaining(l -> labels.add(l.getKey() + "=" + l.getValue().asText()));
                System.out.printf("%-12s %-8s %-30s %-24s last seen %s%n", StatusTable.shown(n, "node"),
                        n.path("online").asBoolean() ? "online" : "offline", UntrustedText.of(n.path("namespaces").asText(), 500),
                        labels.isEmpty() ? "-" : UntrustedText.of(String.join(",", labels), 300), StatusTable.shown(n, "lastSeen"));
            }
            return 0;
        }
    }

    /** Prints the new revision; with {@code --wait}, waits for the rollout and prints each node's state. */
    static int committed(AdminClient c, ObjectNode result, int goal, Duration waitFor) {
        String ns = result.path("ns").asText();
        long rev = result.path("rev").asLong();
        System.out.println(UntrustedText.of(ns) + " r" + rev + " " + UntrustedText.of(result.path("digest").asText()));
        if (result.path("gray").asBoolean()) {
            List<String> nodes = new ArrayList<>();
            result.path("nodes").forEach(n -> nodes.add(n.asText()));
            System.out.println("gray release to " + nodes.size() + " node(s): "
                    + UntrustedText.of(String.join(",", nodes), 2000));
        }
        if (goal == 0) {
            return 0;
        }
        long deadline = System.nanoTime() + waitFor.toNanos();
        java.util.Set<String> told = new java.util.HashSet<>();
        while (true) {
            ObjectNode h = Wire.object();
            h.put("ns", ns);
            h.put("rev", rev);
            // Each replica knows the nodes connected to it: ask them all.
            JsonNode states = c.servers().size() == 1 ? c.call("rollout", h, List.of()).header().path("states")
                    : ReplicaMerge.rollout(ReplicaMerge.results(c.callEach("rollout", h), System.err, told)).path("states");
            int applied = 0;
            int failed = 0;
            int total = 0;
            for (var it = states.fields(); it.hasNext(); ) {
                total++;
                String state = it.next().getValue().asText();
                if (state.equals("applied")) {
                    applied++;
                } else if (state.equals("failed")) {
                    failed++;
                }
            }
            boolean done = goal < 0 ? applied == total : applied >= goal;
            // A node that reported the revision as failed will not apply it by waiting.
            boolean unreachable = (goal < 0 ? total : goal) > total - failed;
            if (done || unreachable || System.nanoTime() > deadline) {
                states.fields().forEachRemaining(e -> System.out.println("  " + UntrustedText.of(e.getKey()) + ": "
                        + UntrustedText.of(e.getValue().asText())));
                System.out.println(applied + "/" + total + " nodes applied r" + rev);
                return done ? 0 : 1;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
