package io.zmtp.interop;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a peer socket is opened with; libzmq's option names.
 *
 * @param identity        ZMQ_ROUTING_ID, or null for none
 * @param subscribe       ZMQ_SUBSCRIBE prefixes set before connecting (SUB)
 * @param routerMandatory ZMQ_ROUTER_MANDATORY
 * @param plainServer     ZMQ_PLAIN_SERVER with these user/password pairs accepted, or null
 * @param plainUser       ZMQ_PLAIN_USERNAME for a PLAIN client, or null
 * @param plainPassword   ZMQ_PLAIN_PASSWORD
 * @param monitor         record the socket's monitor events for {@link Peer#events}
 * @param curve           the CURVE role and keys, or null for none
 * @param heartbeat       ZMQ_HEARTBEAT_IVL / _TIMEOUT / _TTL, or null for none
 * @param sockopts        other options by libzmq's name without ZMQ_ (PROBE_ROUTER, ...): an
 *                        Integer or a byte[] each
 */
public record PeerOptions(byte[] identity, List<byte[]> subscribe, boolean routerMandatory,
                          Map<String, String> plainServer, String plainUser, String plainPassword,
                          boolean monitor, Curve curve, Heartbeat heartbeat, Map<String, Object> sockopts) {

    /**
     * CURVE, keys in Z85. A server ({@code server}) has {@code secretKey} (and {@code publicKey}),
     * and its ZAP handler admits exactly the client keys in {@code allowed}; a client has its own
     * pair and {@code serverKey}.
     */
    public record Curve(boolean server, String publicKey, String secretKey, String serverKey, List<String> allowed) {
    }

    /** ZMQ_HEARTBEAT_IVL, ZMQ_HEARTBEAT_TIMEOUT and ZMQ_HEARTBEAT_TTL in ms; 0 leaves one unset. */
    public record Heartbeat(int ivl, int timeout, int ttl) {
    }

    public static PeerOptions none() {
        return new PeerOptions(null, List.of(), false, null, null, null, false, null, null, Map.of());
    }

    public PeerOptions withIdentity(String id) {
        return new PeerOptions(id.getBytes(StandardCharsets.UTF_8), subscribe, routerMandatory, plainServer,
                plainUser, plainPassword, monitor, curve, heartbeat, sockopts);
    }

    public PeerOptions withSubscription(String prefix) {
        List<byte[]> s = new ArrayList<>(subscribe);
        s.add(prefix.getBytes(StandardCharsets.UTF_8));
        return new PeerOptions(identity, List.copyOf(s), routerMandatory, plainServer, plainUser, plainPassword, monitor,
                curve, heartbeat, sockopts);
    }

    public PeerOptions withRouterMandatory() {
        return new PeerOptions(identity, subscribe, true, plainServer, plainUser, plainPassword, monitor, curve, heartbeat, sockopts);
    }

    public PeerOptions withPlainServer(Map<String, String> users) {
        return new PeerOptions(identity, subscribe, routerMandatory, Map.copyOf(users), null, null, monitor, curve,
                heartbeat, sockopts);
    }

    public PeerOptions withPlainClient(String user, String password) {
        return new PeerOptions(identity, subscribe, routerMandatory, null, user, password, monitor, curve, heartbeat, sockopts);
    }

    public PeerOptions withMonitor() {
        return new PeerOptions(identity, subscribe, routerMandatory, plainServer, plainUser, plainPassword, true, curve,
                heartbeat, sockopts);
    }

    /** A CURVE server with this key pair, admitting only the client keys in {@code allowed}. */
    public PeerOptions withCurveServer(String publicKey, String secretKey, List<String> allowed) {
        return new PeerOptions(identity, subscribe, routerMandatory, null, null, null, monitor,
                new Curve(true, publicKey, secretKey, null, List.copyOf(allowed)), heartbeat, sockopts);
    }

    /** A CURVE client with this key pair, talking to the server whose public key is {@code serverKey}. */
    public PeerOptions withCurveClient(String publicKey, String secretKey, String serverKey) {
        return new PeerOptions(identity, subscribe, routerMandatory, null, null, null, monitor,
                new Curve(false, publicKey, secretKey, serverKey, List.of()), heartbeat, sockopts);
    }

    public PeerOptions withHeartbeat(int ivlMillis, int timeoutMillis, int ttlMillis) {
        return new PeerOptions(identity, subscribe, routerMandatory, plainServer, plainUser, plainPassword, monitor, curve,
                new Heartbeat(ivlMillis, timeoutMillis, ttlMillis), sockopts);
    }

    /** Sets option {@code name} (libzmq's name without ZMQ_) to an Integer or a byte[]. */
    public PeerOptions with(String name, Object value) {
        Map<String, Object> o = new java.util.LinkedHashMap<>(sockopts);
        o.put(name, value);
        return new PeerOptions(identity, subscribe, routerMandatory, plainServer, plainUser, plainPassword, monitor, curve,
                heartbeat, java.util.Collections.unmodifiableMap(o));
    }
}
