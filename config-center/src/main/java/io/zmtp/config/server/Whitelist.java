package io.zmtp.config.server;

import io.zmtp.codec.auth.AuthRequest;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.auth.Authenticator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Who may connect: nodes (an id, a PLAIN password, the namespaces they may read) and admins (a
 * distinct credential for the admin commands). It is the server's ZAP handler: a connection that
 * is neither is refused at the handshake and reported. An authenticated node's user id is its
 * node id; an admin's is {@code admin:<name>} (node ids cannot contain ':'), so a node can never
 * pass for an admin, nor for another node.
 *
 * <p>File format, one entry per line ({@code #} starts a comment):
 * <pre>
 * node  web-1  s3cret  app/web,app/common
 * node  db-1   pa55    app/db*      zone=a,canary=true
 * admin ops    adm1n
 * </pre>
 * A node line may end with labels, {@code key=value} pairs separated by {@code ,}, which gray
 * releases select nodes by ({@code put --to zone=a}). They are the operator's word about the node:
 * an agent cannot declare or change its own. Keys and values are 1-64 of {@code [A-Za-z0-9._/-]}.
 * A namespace pattern ending in {@code *} grants every namespace with that prefix. With CURVE, a
 * credential is {@code curve:<the node's or admin's public key in Z85>} instead of a password; a
 * server runs either PLAIN or CURVE, so one whitelist uses one kind.
 */
public final class Whitelist {
    /** Node ids: what a host name or a service instance name looks like. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    public static final String ADMIN_PREFIX = "admin:";
    /** A credential of this form is a CURVE public key, not a password. */
    public static final String CURVE_PREFIX = "curve:";

    private static String canonicalKey(String credential) {
        return io.zmtp.codec.curve.Z85.encode(io.zmtp.codec.curve.CurveKeyPair.decodeKey(
                credential.substring(CURVE_PREFIX.length())));
    }

    /** A label's key or value. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._/-]{1,64}");

    /** A whitelisted node, with its labels (sorted by key; empty when it has none). */
    public record Node(String id, String password, List<String> namespaces, Map<String, String> labels) {
        public Node(String id, String password, List<String> namespaces) {
            this(id, password, namespaces, Map.of());
        }

        public Node {
            if (!NODE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("node id '" + id + "' must be 1-128 of [A-Za-z0-9._-], starting alphanumeric");
            }
            if (password.isEmpty()) {
                throw new IllegalArgumentException("node " + id + " has an empty password");
            }
            if (password.startsWith(CURVE_PREFIX)) {
                password = CURVE_PREFIX + canonicalKey(password);
            }
            namespaces = List.copyOf(namespaces);
            for (Map.Entry<String, String> l : labels.entrySet()) {
                if (!LABEL.matcher(l.getKey()).matches() || !LABEL.matcher(l.getValue()).matches()) {
                    throw new IllegalArgumentException("node " + id + ": label '" + l.getKey() + "=" + l.getValue()
                            + "' must be KEY=VALUE, each 1-64 of [A-Za-z0-9._/-]");
                }
            }
            labels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
        }

        /** True when the node carries every one of {@code wanted}'s labels with the same value. */
        public boolean hasLabels(Map<String, String> wanted) {
            return labels.entrySet().containsAll(wanted.entrySet());
        }

        /** True when one of the node's patterns grants {@code namespace}. */
        public boolean mayRead(String namespace) {
            for (String p : namespaces) {
                if (p.endsWith("*") ? namespace.startsWith(p.substring(0, p.length() - 1)) : p.equals(namespace)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "Node[" + id + ", " + namespaces + "]";
        }
    }

    /**
     * A refused connection attempt, for the status view.
     *
     * @param port which server socket refused it ({@code updates}, {@code sync}), or empty
     */
    public record Refusal(String user, String address, String reason, java.time.Instant at, String port) {
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, byte[]> admins = new LinkedHashMap<>();

    public Whitelist node(String id, String password, String... namespaces) {
        return node(id, password, Map.of(), namespaces);
    }

    /** A node with labels, which gray releases select by. */
    public Whitelist node(String id, String password, Map<String, String> labels, String... namespaces) {
        Node n = new Node(id, password, Arrays.asList(namespaces), labels);
        if (nodes.putIfAbsent(id, n) != null) {
            throw new IllegalArgumentException("node " + id + " is listed twice");
        }
        return this;
    }

    public Whitelist admin(String name, String password) {
        if (name.isEmpty() || password.isEmpty()) {
            throw new IllegalArgumentException("an admin needs a name and a password");
        }
        if (password.startsWith(CURVE_PREFIX)) {
            password = CURVE_PREFIX + canonicalKey(password);
        }
        admins.put(name, password.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public static Whitelist load(Path file) throws IOException {
        Whitelist w = new Whitelist();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            try {
                if (f[0].equals("node") && (f.length == 4 || f.length == 5)) {
                    w.node(f[1], f[2], f.length == 5 ? parseLabels(f[4]) : Map.of(), f[3].split(","));
                } else if (f[0].equals("admin") && f.length == 3) {
                    w.admin(f[1], f[2]);
                } else {
                    throw new IllegalArgumentException(
                            "expected 'node ID PASSWORD NS[,NS...] [KEY=VALUE[,KEY=VALUE...]]' or 'admin NAME PASSWORD'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
        return w;
    }

    /**
     * Labels written {@code key=value[,key=value...]} (a whitelist's fifth column, a selector).
     *
     * @throws IllegalArgumentException for anything else, or a key given twice
     */
    public static Map<String, String> parseLabels(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("label '" + pair + "' is not KEY=VALUE");
            }
            String key = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (!LABEL.matcher(key).matches() || !LABEL.matcher(value).matches()) {
                throw new IllegalArgumentException("label '" + pair + "': key and value are 1-64 of [A-Za-z0-9._/-]");
            }
            if (out.put(key, value) != null) {
                throw new IllegalArgumentException("label '" + key + "' is given twice");
            }
        }
        return out;
    }

    public Node node(String id) {
        return nodes.get(id);
    }

    public Collection<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    public static boolean isAdmin(String userId) {
        return userId.startsWith(ADMIN_PREFIX);
    }

    /** The ZAP handler for the server's sockets; {@code refused} hears of every refusal. */
    public Authenticator authenticator(Consumer<Refusal> refused) {
        return authenticator("", refused);
    }

    /** The ZAP handler for the server socket named {@code port}; {@code refused} hears of every refusal. */
    public Authenticator authenticator(String port, Consumer<Refusal> refused) {
        return request -> CompletableFuture.completedFuture(check(request, port, refused));
    }

    private AuthResult check(AuthRequest request, String port, Consumer<Refusal> refused) {
        if ("CURVE".equals(request.mechanism()) && request.credentials().size() == 1) {
            return checkCurve(request, port, refused);
        }
        String user = "";
        String reason;
        if (!"PLAIN".equals(request.mechanism()) || request.credentials().size() != 2) {
            reason = "PLAIN credentials required";
        } else {
            user = new String(request.credentials().get(0), StandardCharsets.UTF_8);
            byte[] password = request.credentials().get(1);
            Node n = nodes.get(user);
            if (n != null && !n.password().startsWith(CURVE_PREFIX)
                    && MessageDigest.isEqual(n.password().getBytes(StandardCharsets.UTF_8), password)) {
                return AuthResult.ok(n.id());
            }
            byte[] admin = admins.get(user);
            if (admin != null && !new String(admin, StandardCharsets.UTF_8).startsWith(CURVE_PREFIX)
                    && MessageDigest.isEqual(admin, password)) {
                return AuthResult.ok(ADMIN_PREFIX + user);
            }
            reason = n == null && admin == null ? "not on the whitelist" : "wrong password";
        }
        refused.accept(new Refusal(user, request.address(), reason, java.time.Instant.now(), port));
        return AuthResult.denied(reason);
    }

    /** The user a request claims to be: the PLAIN user name, the CURVE key in Z85, or empty. */
    public static String claimedUser(AuthRequest request) {
        List<byte[]> c = request.credentials();
        if ("PLAIN".equals(request.mechanism()) && !c.isEmpty()) {
            return new String(c.get(0), StandardCharsets.UTF_8);
        }
        if ("CURVE".equals(request.mechanism()) && c.size() == 1 && c.get(0).length == 32) {
            return io.zmtp.codec.curve.Z85.encode(c.get(0));
        }
        return "";
    }

    /** CURVE: the client's public key names the node (or admin); nothing else is asked. */
    private AuthResult checkCurve(AuthRequest request, String port, Consumer<Refusal> refused) {
        String key = CURVE_PREFIX + io.zmtp.codec.curve.Z85.encode(request.credentials().get(0));
        for (Node n : nodes.values()) {
            if (n.password().equals(key)) {
                return AuthResult.ok(n.id());
            }
        }
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, byte[]> a : admins.entrySet()) {
            if (MessageDigest.isEqual(a.getValue(), keyBytes)) {
                return AuthResult.ok(ADMIN_PREFIX + a.getKey());
            }
        }
        String reason = "CURVE key not on the whitelist";
        refused.accept(new Refusal(key.substring(CURVE_PREFIX.length()), request.address(), reason,
                java.time.Instant.now(), port));
        return AuthResult.denied(reason);
    }

    /**
     * True when {@code name} is an admin whose password is {@code password} (compared in constant
     * time). An admin whitelisted by CURVE key has no password and never matches: the console's
     * sign-in is for password admins.
     */
    public boolean adminPassword(String name, String password) {
        byte[] admin = admins.get(name);
        return admin != null && !new String(admin, StandardCharsets.UTF_8).startsWith(CURVE_PREFIX)
                && MessageDigest.isEqual(admin, password.getBytes(StandardCharsets.UTF_8));
    }

    /** Node ids in file order. */
    public List<String> nodeIds() {
        return new ArrayList<>(nodes.keySet());
    }
}
