package io.zmtp.socket;

import io.zmtp.codec.Metadata;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.auth.Authenticator;

import java.time.Duration;

/**
 * The options of one socket, with libzmq's names and defaults. Setters validate and throw
 * {@link IllegalArgumentException} naming the option and value. Connection options (identity,
 * mechanism, heartbeats, limits) apply to connections made after they are set; HWMs to pipes
 * created after they are set; timeouts at once.
 */
public final class SocketOptions extends TypeOptions {
    private final SocketType type;
    private volatile byte[] identity = new byte[0];
    private volatile int sendHwm = 1000;
    private volatile int receiveHwm = 1000;
    private volatile long sendHwmBytes;
    private volatile long receiveHwmBytes;
    private volatile long sendTimeoutMillis = -1;
    private volatile long receiveTimeoutMillis = -1;
    private volatile long lingerMillis;
    private volatile long reconnectIvlMillis = 100;
    private volatile long reconnectIvlMaxMillis = 0;
    private volatile long maxMsgSize = -1;
    private volatile long maxHandshakeFrameSize = io.zmtp.codec.ZmtpConfig.DEFAULT_MAX_HANDSHAKE_FRAME_SIZE;
    private volatile long maxMessageSize = io.zmtp.codec.ZmtpConfig.DEFAULT_MAX_MESSAGE_SIZE;
    private volatile long maxMessageFrames = io.zmtp.codec.ZmtpConfig.DEFAULT_MAX_MESSAGE_FRAMES;
    private volatile long heartbeatIvlMillis = 0;
    private volatile long heartbeatTtlMillis = 0;
    private volatile long heartbeatTimeoutMillis = -1;
    private volatile long handshakeIvlMillis = 30_000;
    private volatile Authenticator authenticator;
    /** NULL, PLAIN or CURVE, and their credentials. */
    private final MechanismOptions mechanism = new MechanismOptions();
    private final WssOptions wss = new WssOptions();
    private volatile String zapDomain = "";
    private volatile boolean zapEnforceDomain;
    private volatile int tcpKeepAlive = -1;
    private volatile int multicastHops = 1;
    private volatile boolean multicastLoop = true;
    private volatile Metadata metadata = Metadata.empty();

    SocketOptions(SocketType type) {
        super(type);
        this.type = type;
        // libzmq: SUB and XSUB do not linger; everything else waits for its queue to go out.
        this.lingerMillis = type == SocketType.SUB || type == SocketType.XSUB ? 0 : -1;
    }

    @Override
    SocketOptions self() {
        return this;
    }

    /** ZMQ_ROUTING_ID: our identity, 0..255 bytes (sent by REQ, DEALER and ROUTER). */
    public SocketOptions identity(byte[] id) {
        if (id == null || id.length > 255) {
            throw new IllegalArgumentException("identity must be 0..255 bytes, got " + (id == null ? "null" : id.length));
        }
        this.identity = id.clone();
        return this;
    }

    public byte[] identity() {
        return identity.clone();
    }

    /** ZMQ_SNDHWM: messages queued per peer before the socket blocks or drops; 0 = no limit. */
    public SocketOptions sendHwm(int hwm) {
        this.sendHwm = nonNegative("SNDHWM", hwm);
        return this;
    }

    public int sendHwm() {
        return sendHwm;
    }

    /** ZMQ_RCVHWM: messages queued per peer before we stop reading from it; 0 = no limit. */
    public SocketOptions receiveHwm(int hwm) {
        this.receiveHwm = nonNegative("RCVHWM", hwm);
        return this;
    }

    public int receiveHwm() {
        return receiveHwm;
    }

    /**
     * A byte bound beside SNDHWM (which counts messages): a peer's queue is full once the bodies
     * it holds reach this many bytes, whatever their number; 0 (the default, as in libzmq) for
     * none. What a connection's own write buffer holds (at most 512 KiB) comes on top.
     */
    public SocketOptions sendHwmBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("SNDHWM bytes must be >= 0: " + bytes);
        }
        this.sendHwmBytes = bytes;
        return this;
    }

    public long sendHwmBytes() {
        return sendHwmBytes;
    }

    /**
     * A byte bound beside RCVHWM: the socket stops reading a connection once the messages it
     * received from it and the application has not taken hold this many bytes, and it reads
     * ahead for the application no more than this many bytes in all; 0 (the default, as in
     * libzmq) for none. Over inproc, where messages are objects handed over, only RCVHWM applies.
     */
    public SocketOptions receiveHwmBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("RCVHWM bytes must be >= 0: " + bytes);
        }
        this.receiveHwmBytes = bytes;
        return this;
    }

    public long receiveHwmBytes() {
        return receiveHwmBytes;
    }

    /** ZMQ_SNDTIMEO in ms: -1 blocks for ever, 0 never blocks. */
    public SocketOptions sendTimeout(long millis) {
        this.sendTimeoutMillis = timeout("SNDTIMEO", millis);
        return this;
    }

    public long sendTimeout() {
        return sendTimeoutMillis;
    }

    /** ZMQ_RCVTIMEO in ms: -1 blocks for ever, 0 never blocks. */
    public SocketOptions receiveTimeout(long millis) {
        this.receiveTimeoutMillis = timeout("RCVTIMEO", millis);
        return this;
    }

    public long receiveTimeout() {
        return receiveTimeoutMillis;
    }

    /** ZMQ_LINGER in ms: how long close waits for queued messages to go out; -1 for ever. */
    public SocketOptions linger(long millis) {
        this.lingerMillis = timeout("LINGER", millis);
        return this;
    }

    public long linger() {
        return lingerMillis;
    }

    /**
     * ZMQ_RECONNECT_IVL in ms (default 100); -1 never reconnects. Without a back-off (RECONNECT_IVL_MAX
     * not above it) each retry waits the value set at that moment, so it may be changed on a connected socket.
     */
    public SocketOptions reconnectIvl(long millis) {
        this.reconnectIvlMillis = timeout("RECONNECT_IVL", millis);
        return this;
    }

    public long reconnectIvl() {
        return reconnectIvlMillis;
    }

    /** ZMQ_RECONNECT_IVL_MAX in ms: when above RECONNECT_IVL, the interval doubles up to it. */
    public SocketOptions reconnectIvlMax(long millis) {
        this.reconnectIvlMaxMillis = nonNegative("RECONNECT_IVL_MAX", millis);
        return this;
    }

    public long reconnectIvlMax() {
        return reconnectIvlMaxMillis;
    }

    /** ZMQ_MAXMSGSIZE: the largest inbound frame in bytes; -1 for no limit. */
    public SocketOptions maxMsgSize(long bytes) {
        if (bytes < -1) {
            throw new IllegalArgumentException("MAXMSGSIZE must be -1 or >= 0: " + bytes);
        }
        this.maxMsgSize = bytes;
        return this;
    }

    public long maxMsgSize() {
        return maxMsgSize;
    }

    /**
     * Largest frame a peer may send before its handshake is complete (64 KiB by default; libzmq
     * has no such bound): an unauthenticated peer cannot make the socket buffer more. -1 for none.
     */
    public SocketOptions maxHandshakeFrameSize(long bytes) {
        ZmtpConfig.builder(type).maxHandshakeFrameSize(bytes);
        this.maxHandshakeFrameSize = bytes;
        return this;
    }

    public long maxHandshakeFrameSize() {
        return maxHandshakeFrameSize;
    }

    /**
     * Largest sum of the frames of one received multipart message (by default what one frame
     * can hold; libzmq has no such bound; MAXMSGSIZE bounds each frame). -1 for none.
     */
    public SocketOptions maxMessageSize(long bytes) {
        ZmtpConfig.builder(type).maxMessageSize(bytes);
        this.maxMessageSize = bytes;
        return this;
    }

    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** Most frames in one received multipart message (65,536 by default; libzmq has no such bound). -1 for none. */
    public SocketOptions maxMessageFrames(long frames) {
        ZmtpConfig.builder(type).maxMessageFrames(frames);
        this.maxMessageFrames = frames;
        return this;
    }

    public long maxMessageFrames() {
        return maxMessageFrames;
    }

    /** ZMQ_HEARTBEAT_IVL in ms; 0 (default) turns heartbeats off. */
    public SocketOptions heartbeatIvl(long millis) {
        this.heartbeatIvlMillis = nonNegative("HEARTBEAT_IVL", millis);
        return this;
    }

    /** ZMQ_HEARTBEAT_TTL in ms, at most 6553500 (keep under 65500 when libzmq is the peer). */
    public SocketOptions heartbeatTtl(long millis) {
        if (millis < 0 || millis > 6_553_500) {
            throw new IllegalArgumentException("HEARTBEAT_TTL must be 0..6553500 ms: " + millis);
        }
        this.heartbeatTtlMillis = millis;
        return this;
    }

    /** ZMQ_HEARTBEAT_TIMEOUT in ms; -1 (default) uses HEARTBEAT_IVL. */
    public SocketOptions heartbeatTimeout(long millis) {
        this.heartbeatTimeoutMillis = timeout("HEARTBEAT_TIMEOUT", millis);
        return this;
    }

    /** ZMQ_HANDSHAKE_IVL in ms (default 30000); 0 for no limit. */
    public SocketOptions handshakeIvl(long millis) {
        this.handshakeIvlMillis = nonNegative("HANDSHAKE_IVL", millis);
        return this;
    }

    /** PLAIN client credentials (ZMQ_PLAIN_USERNAME / ZMQ_PLAIN_PASSWORD). */
    public SocketOptions plainCredentials(String username, String password) {
        mechanism.plainClient(username, password);
        return this;
    }

    /** ZMQ_PLAIN_SERVER with the authenticator that decides (libzmq: the ZAP handler). */
    public SocketOptions plainServer(Authenticator authenticator) {
        if (authenticator == null) {
            throw new IllegalArgumentException("a PLAIN server needs an authenticator");
        }
        mechanism.plainServer();
        this.authenticator = authenticator;
        return this;
    }

    /**
     * ZMQ_CURVE_SERVER: {@code true} makes this socket a CURVE server (it then needs
     * {@link #curveSecretKey}); {@code false} turns CURVE off again, as in libzmq. A CURVE server
     * asks the {@link #authenticator} about each client's public key when one is set, and accepts
     * every client otherwise (libzmq without a ZAP handler).
     */
    public SocketOptions curveServer(boolean on) {
        mechanism.curveServer(on);
        return this;
    }

    public boolean curveServer() {
        return mechanism.isCurveServer();
    }

    /** ZMQ_CURVE_SECRETKEY: this socket's permanent secret key, 40 Z85 characters (or 64 hex digits). */
    public SocketOptions curveSecretKey(String key) {
        return curveSecretKey(MechanismOptions.textKey("CURVE_SECRETKEY", key));
    }

    /** ZMQ_CURVE_SECRETKEY as libzmq takes it: 32 raw bytes, or 40 bytes of Z85 text (41 with a NUL). */
    public SocketOptions curveSecretKey(byte[] key) {
        mechanism.curveSecretKey(MechanismOptions.binaryKey("CURVE_SECRETKEY", key));
        return this;
    }

    /**
     * ZMQ_CURVE_PUBLICKEY: this client's permanent public key; it must belong to
     * {@link #curveSecretKey}, and may be left out (it follows from the secret key).
     */
    public SocketOptions curvePublicKey(String key) {
        return curvePublicKey(MechanismOptions.textKey("CURVE_PUBLICKEY", key));
    }

    /** ZMQ_CURVE_PUBLICKEY as 32 raw bytes, or 40 bytes of Z85 text (41 with a NUL). */
    public SocketOptions curvePublicKey(byte[] key) {
        mechanism.curvePublicKey(MechanismOptions.binaryKey("CURVE_PUBLICKEY", key));
        return this;
    }

    /**
     * ZMQ_CURVE_SERVERKEY: the public key of the server to connect to; makes this socket a CURVE
     * client. A client without its own keys gets a fresh pair, kept for the socket's life.
     */
    public SocketOptions curveServerKey(String key) {
        return curveServerKey(MechanismOptions.textKey("CURVE_SERVERKEY", key));
    }

    /** ZMQ_CURVE_SERVERKEY as 32 raw bytes, or 40 bytes of Z85 text (41 with a NUL). */
    public SocketOptions curveServerKey(byte[] key) {
        mechanism.curveServerKey(MechanismOptions.binaryKey("CURVE_SERVERKEY", key));
        return this;
    }

    /**
     * The permanent public key this socket presents over CURVE (a server's own key, or the
     * client's, generated if none was given), or {@code null} when CURVE is not in use or the
     * secret key is missing.
     */
    public byte[] curvePublicKey() {
        return mechanism.presentedCurvePublicKey();
    }

    /**
     * The authenticator asked about each connecting peer (libzmq: a ZAP handler), by NULL sockets
     * and by PLAIN and CURVE servers (CURVE credentials: the client's 32-byte public key).
     */
    public SocketOptions authenticator(Authenticator authenticator) {
        this.authenticator = authenticator;
        return this;
    }

    /** ZMQ_ZAP_DOMAIN. */
    public SocketOptions zapDomain(String domain) {
        if (domain == null || domain.length() > 254) {
            throw new IllegalArgumentException("ZAP_DOMAIN must be 0..254 characters: " + domain);
        }
        this.zapDomain = domain;
        return this;
    }

    /**
     * ZMQ_ZAP_ENFORCE_DOMAIN: the authenticator is asked only for a socket with a ZAP domain, and a
     * socket with a domain and no authenticator refuses every peer (HANDSHAKE_FAILED_AUTH); off by
     * default, as in libzmq.
     */
    public SocketOptions zapEnforceDomain(boolean on) {
        this.zapEnforceDomain = on;
        return this;
    }

    public boolean zapEnforceDomain() {
        return zapEnforceDomain;
    }

    /** ZMQ_TCP_KEEPALIVE: -1 system default, 0 off, 1 on. */
    public SocketOptions tcpKeepAlive(int mode) {
        if (mode < -1 || mode > 1) {
            throw new IllegalArgumentException("TCP_KEEPALIVE must be -1, 0 or 1: " + mode);
        }
        this.tcpKeepAlive = mode;
        return this;
    }

    public int tcpKeepAlive() {
        return tcpKeepAlive;
    }

    /** ZMQ_WSS_CERT_PEM: this side's certificate chain for wss (PEM text; a bind needs it, with the key). */
    public SocketOptions wssCertPem(String pem) {
        wss.certPem(pem);
        return this;
    }

    /** ZMQ_WSS_KEY_PEM: the private key of {@link #wssCertPem} (PEM text, PKCS#8). */
    public SocketOptions wssKeyPem(String pem) {
        wss.keyPem(pem);
        return this;
    }

    /**
     * ZMQ_WSS_TRUST_PEM: the CA certificates (PEM text) a wss connect trusts for the server; on a
     * bind, clients must then show a certificate these signed.
     */
    public SocketOptions wssTrustPem(String pem) {
        wss.trustPem(pem);
        return this;
    }

    /** ZMQ_WSS_HOSTNAME: the name a wss connect checks the server's certificate for (default: the endpoint's host). */
    public SocketOptions wssHostname(String name) {
        wss.hostname(name);
        return this;
    }

    /** ZMQ_WSS_TRUST_SYSTEM: with no WSS_TRUST_PEM, trust the system's CAs (default true). */
    public SocketOptions wssTrustSystem(boolean on) {
        wss.trustSystem(on);
        return this;
    }

    /** For the wss transport: a bind's TLS context; refuses, naming the endpoint, when it cannot be made. */
    public io.netty.handler.ssl.SslContext wssServerContext(String endpoint) {
        return wss.serverContext(endpoint);
    }

    /** For the wss transport: a connect's TLS context, and the name the server's certificate is checked for. */
    public io.netty.handler.ssl.SslContext wssClientContext(String endpoint) {
        return wss.clientContext(endpoint);
    }

    public String wssHostname() {
        return wss.hostname();
    }

    /** ZMQ_MULTICAST_HOPS: the TTL of a RADIO's multicast datagrams over udp (libzmq's default 1: this network only). */
    public SocketOptions multicastHops(int hops) {
        if (hops < 1 || hops > 255) {
            throw new IllegalArgumentException("MULTICAST_HOPS must be 1..255: " + hops);
        }
        this.multicastHops = hops;
        return this;
    }

    public int multicastHops() {
        return multicastHops;
    }

    /** ZMQ_MULTICAST_LOOP: whether members of the group on this host hear a RADIO's multicast (default true). */
    public SocketOptions multicastLoop(boolean on) {
        this.multicastLoop = on;
        return this;
    }

    public boolean multicastLoop() {
        return multicastLoop;
    }

    /** Application metadata properties announced to peers (names other than Socket-Type and Identity). */
    public SocketOptions metadata(Metadata metadata) {
        ZmtpConfig.builder(type).metadata(metadata);
        this.metadata = metadata;
        return this;
    }

    /** The codec configuration for a new connection, from the options as they are now (for transports). */
    public ZmtpConfig codecConfig() {
        ZmtpConfig.Builder b = ZmtpConfig.builder(type).identity(identity).metadata(metadata)
                .maxFrameSize(maxMsgSize).maxHandshakeFrameSize(maxHandshakeFrameSize)
                .maxMessageSize(maxMessageSize).maxMessageFrames(maxMessageFrames)
                .handshakeTimeout(Duration.ofMillis(handshakeIvlMillis))
                .heartbeatInterval(Duration.ofMillis(heartbeatIvlMillis))
                .heartbeatTtl(Duration.ofMillis(heartbeatTtlMillis))
                .zapDomain(zapDomain).zapEnforceDomain(zapEnforceDomain).authenticator(authenticator);
        if (heartbeatTimeoutMillis >= 0) {
            b.heartbeatTimeout(Duration.ofMillis(heartbeatTimeoutMillis));
        }
        mechanism.configure(b);
        return b.build();
    }

    private static int nonNegative(String option, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + " must be >= 0: " + value);
        }
        return value;
    }

    private static long nonNegative(String option, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + " must be >= 0: " + value);
        }
        return value;
    }

    private static long timeout(String option, long value) {
        if (value < -1) {
            throw new IllegalArgumentException(option + " must be -1 (for ever) or >= 0 ms: " + value);
        }
        return value;
    }
}
