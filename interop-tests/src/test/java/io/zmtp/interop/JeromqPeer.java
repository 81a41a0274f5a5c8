package io.zmtp.interop;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.Msg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JeroMQ 0.6.0 socket in this JVM (ZMTP 3.0: subscriptions travel as 0x01/0x00 messages). Used
 * from the test thread only, as JeroMQ sockets are not thread-safe.
 */
public final class JeromqPeer implements Peer {
    private static final AtomicInteger MONITORS = new AtomicInteger();
    private static final int SEND_TIMEOUT_MS = 10_000;
    /**
     * JeroMQ 0.6.0's connecting side sometimes completes the TCP connect but never registers the
     * new engine with its selector (a cancelled key still in place: zeromq/jeromq#1022), so it
     * sends no greeting until HANDSHAKE_IVL (30 s by default) drops the connection and it
     * reconnects. A short handshake interval makes JeroMQ recover from that within the cell.
     */
    static final int HANDSHAKE_IVL_MS = 500;

    private final Host host;
    private final String type;
    private final ZMQ.Socket socket;
    private final ZMQ.Socket monitor;
    private boolean closed;

    private JeromqPeer(Host host, String type, PeerOptions options) {
        this.host = host;
        this.type = type;
        this.socket = host.ctx.createSocket(SocketType.valueOf(type));
        socket.setLinger(0);
        socket.setHandshakeIvl(HANDSHAKE_IVL_MS);
        if (options.identity() != null) {
            socket.setIdentity(options.identity());
        }
        for (byte[] prefix : options.subscribe()) {
            socket.subscribe(prefix);
        }
        if (options.routerMandatory()) {
            socket.setRouterMandatory(true);
        }
        if (options.plainServer() != null) {
            host.startZap(options.plainServer(), List.of());
            socket.setPlainServer(true);
        }
        if (options.plainUser() != null) {
            socket.setPlainUsername(options.plainUser());
            socket.setPlainPassword(options.plainPassword());
        }
        PeerOptions.Curve curve = options.curve();
        if (curve != null) {
            if (curve.server()) {
                // The ZAP handler is asked about every client; it admits exactly the keys allowed.
                host.startZap(Map.of(), curve.allowed());
                socket.setCurveServer(true);
                socket.setCurvePublicKey(ZMQ.Curve.z85Decode(curve.publicKey()));
                socket.setCurveSecretKey(ZMQ.Curve.z85Decode(curve.secretKey()));
            } else {
                socket.setCurvePublicKey(ZMQ.Curve.z85Decode(curve.publicKey()));
                socket.setCurveSecretKey(ZMQ.Curve.z85Decode(curve.secretKey()));
                socket.setCurveServerKey(ZMQ.Curve.z85Decode(curve.serverKey()));
            }
        }
        PeerOptions.Heartbeat heartbeat = options.heartbeat();
        if (heartbeat != null) {
            if (heartbeat.ivl() > 0) {
                socket.setHeartbeatIvl(heartbeat.ivl());
            }
            if (heartbeat.timeout() > 0) {
                socket.setHeartbeatTimeout(heartbeat.timeout());
            }
            if (heartbeat.ttl() > 0) {
                socket.setHeartbeatTtl(heartbeat.ttl());
            }
        }
        options.sockopts().forEach((name, value) -> {
            int option;
            try {
                option = zmq.ZMQ.class.getField("ZMQ_" + name).getInt(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("JeroMQ 0.6.0 has no option ZMQ_" + name, e);
            }
            if (!socket.base().setSocketOpt(option, value)) {
                throw new IllegalStateException("JeroMQ refused ZMQ_" + name + ": errno " + socket.errno());
            }
        });
        if (options.monitor()) {
            String address = "inproc://jeromq-monitor-" + MONITORS.incrementAndGet();
            socket.monitor(address, ZMQ.EVENT_ALL);
            monitor = host.ctx.createSocket(SocketType.PAIR);
            monitor.connect(address);
        } else {
            monitor = null;
        }
    }

    @Override
    public String who() {
        return "JeroMQ";
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String bind(String endpoint) {
        if (!socket.bind(endpoint)) {
            throw new IllegalStateException("JeroMQ cannot bind " + endpoint + ": errno " + socket.errno());
        }
        return socket.getLastEndpoint();
    }

    @Override
    public int connectPeer(String endpoint) {
        int id = socket.connectPeer(endpoint);
        if (id == 0) {
            throw new IllegalStateException("JeroMQ cannot connectPeer " + endpoint + ": errno " + socket.errno());
        }
        return id;
    }

    @Override
    public void connect(String endpoint) {
        if (!socket.connect(endpoint)) {
            throw new IllegalStateException("JeroMQ cannot connect " + endpoint + ": errno " + socket.errno());
        }
    }

    @Override
    public void send(List<byte[]> frames) {
        String error = sendFrames(frames, SEND_TIMEOUT_MS);
        if (error != null) {
            throw new AssertionError("JeroMQ " + type + " could not send within " + SEND_TIMEOUT_MS + " ms: " + error);
        }
    }

    @Override
    public String sendOrError(List<byte[]> frames) {
        return sendFrames(frames, 0);
    }

    /** Null when sent, else the errno's name. */
    private String sendFrames(List<byte[]> frames, int timeoutMillis) {
        socket.setSendTimeOut(timeoutMillis);
        if (type.equals("SERVER") || type.equals("PEER")) {
            return sendToRoutingId(frames);
        }
        if (type.equals("RADIO")) {
            return sendToGroup(frames);
        }
        try {
            for (int i = 0; i < frames.size(); i++) {
                boolean more = i < frames.size() - 1;
                if (!socket.send(frames.get(i), more ? ZMQ.SNDMORE : 0)) {
                    if (i > 0) {
                        throw new AssertionError("JeroMQ refused frame " + i + " of a message: errno " + socket.errno());
                    }
                    return errnoName(socket.errno());
                }
            }
            return null;
        } catch (ZMQException e) {
            return errnoName(e.getErrorCode());
        }
    }

    /** SERVER: frames are [routing id (4 bytes, big-endian), body], as every SERVER end here takes them. */
    private String sendToRoutingId(List<byte[]> frames) {
        if (frames.size() != 2 || frames.get(0).length != 4) {
            throw new IllegalArgumentException("a SERVER send is [routing id (4 bytes), body]");
        }
        Msg msg = new Msg(frames.get(1));
        msg.setRoutingId(ByteBuffer.wrap(frames.get(0)).getInt());
        try {
            return socket.sendMsg(msg, 0) ? null : errnoName(socket.errno());
        } catch (ZMQException e) {
            return errnoName(e.getErrorCode());
        }
    }

    /** RADIO: frames are [group, body], as every RADIO end here takes them. */
    private String sendToGroup(List<byte[]> frames) {
        if (frames.size() != 2) {
            throw new IllegalArgumentException("a RADIO send is [group, body]");
        }
        Msg msg = new Msg(frames.get(1));
        msg.setGroup(new String(frames.get(0), StandardCharsets.UTF_8));
        try {
            return socket.sendMsg(msg, 0) ? null : errnoName(socket.errno());
        } catch (ZMQException e) {
            return errnoName(e.getErrorCode());
        }
    }

    private static String errnoName(int code) {
        try {
            return ZMQ.Error.findByCode(code).name();
        } catch (RuntimeException e) {
            return "errno " + code;
        }
    }

    @Override
    public List<byte[]> receive(Duration timeout) {
        socket.setReceiveTimeOut((int) Math.max(1, timeout.toMillis()));
        if (type.equals("SERVER") || type.equals("PEER")) {
            Msg m = socket.recvMsg(0);
            if (m == null) {
                return null;
            }
            return List.of(ByteBuffer.allocate(4).putInt(m.getRoutingId()).array(), m.data());
        }
        if (type.equals("DISH")) {
            Msg m = socket.recvMsg(0);
            if (m == null) {
                return null;
            }
            return List.of(m.getGroup().getBytes(StandardCharsets.UTF_8), m.data());
        }
        byte[] first = socket.recv(0);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        // The rest of a multipart message is there already: ZeroMQ delivers messages whole.
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    @Override
    public void subscribe(byte[] prefix) {
        if (type.equals("DISH")) {
            socket.join(new String(prefix, StandardCharsets.UTF_8));
        } else {
            socket.subscribe(prefix);
        }
    }

    @Override
    public void unsubscribe(byte[] prefix) {
        if (type.equals("DISH")) {
            socket.leave(new String(prefix, StandardCharsets.UTF_8));
        } else {
            socket.unsubscribe(prefix);
        }
    }

    @Override
    public void poke() {
        if (!closed && host.isAlive()) {
            socket.getEvents();
        }
    }

    @Override
    public List<String> events(Duration wait) {
        if (monitor == null) {
            throw new IllegalStateException("this JeroMQ socket was opened without monitor()");
        }
        List<String> names = new ArrayList<>();
        monitor.setReceiveTimeOut((int) Math.max(1, wait.toMillis()));
        ZMQ.Event e;
        while ((e = ZMQ.Event.recv(monitor)) != null) {
            names.add(eventName(e.getEvent()));
            monitor.setReceiveTimeOut(1);
        }
        return names;
    }

    private static String eventName(int code) {
        return switch (code) {
            case 0x0001 -> "CONNECTED";
            case 0x0002 -> "CONNECT_DELAYED";
            case 0x0004 -> "CONNECT_RETRIED";
            case 0x0008 -> "LISTENING";
            case 0x0010 -> "BIND_FAILED";
            case 0x0020 -> "ACCEPTED";
            case 0x0040 -> "ACCEPT_FAILED";
            case 0x0080 -> "CLOSED";
            case 0x0100 -> "CLOSE_FAILED";
            case 0x0200 -> "DISCONNECTED";
            case 0x0400 -> "MONITOR_STOPPED";
            case 0x0800 -> "HANDSHAKE_FAILED_NO_DETAIL";
            case 0x1000 -> "HANDSHAKE_SUCCEEDED";
            case 0x2000 -> "HANDSHAKE_FAILED_PROTOCOL";
            case 0x4000 -> "HANDSHAKE_FAILED_AUTH";
            case 0x8000 -> "HANDSHAKE_PROTOCOL";
            default -> "0x" + Integer.toHexString(code);
        };
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (monitor != null) {
            try {
                socket.monitor(null, 0);
            } catch (RuntimeException ignored) {
                // the monitor PAIR goes anyway
            }
            host.ctx.destroySocket(monitor);
        }
        host.ctx.destroySocket(socket);
    }

    /** One JeroMQ context, with a ZAP handler for PLAIN and CURVE servers started on demand. */
    static final class Host implements PeerHost {
        private final ZContext ctx = new ZContext();
        private final Map<String, String> users = new ConcurrentHashMap<>();
        private final Set<String> curveKeys = ConcurrentHashMap.newKeySet();
        private ZapHandler zap;
        private volatile boolean alive = true;

        Host() {
            ctx.setLinger(0);
        }

        @Override
        public Peer open(String type, PeerOptions options) {
            return new JeromqPeer(this, type, options);
        }

        /** Adds PLAIN users and CURVE client keys (Z85) to what the host's ZAP handler admits. */
        synchronized void startZap(Map<String, String> accepted, List<String> acceptedCurveKeys) {
            users.putAll(accepted);
            curveKeys.addAll(acceptedCurveKeys);
            if (zap == null) {
                ZMQ.Socket handler = ctx.createSocket(SocketType.REP);
                handler.setLinger(0);
                handler.setReceiveTimeOut(50);
                if (!handler.bind("inproc://zeromq.zap.01")) {
                    throw new IllegalStateException("JeroMQ cannot bind the ZAP endpoint: errno " + handler.errno());
                }
                zap = new ZapHandler(handler, users, curveKeys);
                zap.start();
            }
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public void kill() {
            close();
        }

        @Override
        public synchronized void close() {
            if (!alive) {
                return;
            }
            alive = false;
            if (zap != null) {
                zap.shutdown();
                ctx.destroySocket(zap.socket);
            }
            ctx.close();
        }
    }

    /**
     * A ZAP (RFC 27) handler for JeroMQ's PLAIN and CURVE servers: accepts the configured
     * user/password pairs and CURVE client keys, answers 400 to anything else. It runs in its own
     * thread, which owns its REP socket.
     */
    private static final class ZapHandler extends Thread {
        final ZMQ.Socket socket;
        private final Map<String, String> users;
        private final Set<String> curveKeys;
        private volatile boolean running = true;

        ZapHandler(ZMQ.Socket socket, Map<String, String> users, Set<String> curveKeys) {
            super("jeromq-zap-handler");
            setDaemon(true);
            this.socket = socket;
            this.users = users;
            this.curveKeys = curveKeys;
        }

        @Override
        public void run() {
            while (running) {
                byte[] first;
                try {
                    first = socket.recv(0);
                } catch (ZMQException e) {
                    return;
                }
                if (first == null) {
                    continue;
                }
                List<byte[]> request = new ArrayList<>();
                request.add(first);
                while (socket.hasReceiveMore()) {
                    request.add(socket.recv(0));
                }
                answer(request);
            }
        }

        private void answer(List<byte[]> request) {
            // version, request id, domain, address, identity, mechanism, credentials...
            String mechanism = text(request, 5);
            String user;
            boolean ok;
            if ("CURVE".equals(mechanism)) {
                // The credential is the client's 32-byte long-term public key.
                byte[] key = request.size() > 6 ? request.get(6) : new byte[0];
                user = key.length == 32 ? ZMQ.Curve.z85Encode(key) : "";
                ok = curveKeys.contains(user);
            } else {
                user = text(request, 6);
                String password = text(request, 7);
                ok = "PLAIN".equals(mechanism) && password.equals(users.get(user));
            }
            socket.send("1.0", ZMQ.SNDMORE);
            socket.send(request.size() > 1 ? request.get(1) : new byte[0], ZMQ.SNDMORE);
            socket.send(ok ? "200" : "400", ZMQ.SNDMORE);
            socket.send(ok ? "OK" : "CURVE".equals(mechanism) ? "Unknown key" : "Invalid username or password",
                    ZMQ.SNDMORE);
            socket.send(ok ? user : "", ZMQ.SNDMORE);
            socket.send(new byte[0], 0);
        }

        private static String text(List<byte[]> frames, int index) {
            return index < frames.size() ? new String(frames.get(index), StandardCharsets.UTF_8) : "";
        }

        void shutdown() {
            running = false;
            try {
                join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
