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
 */
public record PeerOptions(byte[] identity, List<byte[]> subscribe, boolean routerMandatory,
                          Map<String, String> plainServer, String plainUser, String plainPassword,
                          boolean monitor) {
    public static PeerOptions none() {
        return new PeerOptions(null, List.of(), false, null, null, null, false);
    }

    public PeerOptions withIdentity(String id) {
        return new PeerOptions(id.getBytes(StandardCharsets.UTF_8), subscribe, routerMandatory, plainServer,
                plainUser, plainPassword, monitor);
    }

    public PeerOptions withSubscription(String prefix) {
        List<byte[]> s = new ArrayList<>(subscribe);
        s.add(prefix.getBytes(StandardCharsets.UTF_8));
        return new PeerOptions(identity, List.copyOf(s), routerMandatory, plainServer, plainUser, plainPassword, monitor);
    }

    public PeerOptions withRouterMandatory() {
        return new PeerOptions(identity, subscribe, true, plainServer, plainUser, plainPassword, monitor);
    }

    public PeerOptions withPlainServer(Map<String, String> users) {
        return new PeerOptions(identity, subscribe, routerMandatory, Map.copyOf(users), null, null, monitor);
    }

    public PeerOptions withPlainClient(String user, String password) {
        return new PeerOptions(identity, subscribe, routerMandatory, null, user, password, monitor);
    }

    public PeerOptions withMonitor() {
        return new PeerOptions(identity, subscribe, routerMandatory, plainServer, plainUser, plainPassword, true);
    }
}
