package io.zmtp.codec;

import io.zmtp.codec.auth.Authenticator;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.curve.CurveMechanism;
import io.zmtp.codec.mechanism.Mechanism;
import io.zmtp.codec.mechanism.NullMechanism;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything the codec needs to know about one side of a ZMTP connection. Immutable; one config
 * can serve many connections (each gets its own {@link Mechanism} from the supplier). Defaults
 * follow libzmq: NULL mechanism, empty identity, no frame size limit, a 30 s handshake interval,
 * heartbeats off; and, where libzmq has no bound at all, bounds that no sane peer reaches
 * ({@link #DEFAULT_MAX_HANDSHAKE_FRAME_SIZE}, {@link #DEFAULT_MAX_MESSAGE_SIZE},
 * {@link #DEFAULT_MAX_MESSAGE_FRAMES}).
 */
public final class ZmtpConfig {
    /**
     * 64 KiB: the largest legal handshake command is a few hundred bytes plus its metadata
     * (CURVE's INITIATE: 257 bytes plus metadata), and an unauthenticated peer gets no more.
     */
    public static final long DEFAULT_MAX_HANDSHAKE_FRAME_SIZE = 64 * 1024;
    /**
     * Fixed part of the largest handshake command that carries our metadata (CURVE's INITIATE,
     * without its frame header); used to check that our own metadata fits a peer with our limit.
     */
    private static final int LARGEST_HANDSHAKE_OVERHEAD = 257;
    /**
     * 2 GiB - 17 B: a multipart message may hold no more than the largest single frame could
     * ({@link FrameDecoder#MAX_FRAME_SIZE}), so anything a libzmq peer can send in one frame still
     * arrives, while a never-ending message is bounded. Set it (and {@code maxFrameSize}) lower to
     * bound memory per connection tighter.
     */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = FrameDecoder.MAX_FRAME_SIZE;
    /**
     * 65,536 frames: far above any envelope or batch a ZeroMQ application sends in one message.
     * Measured (heap after GC, 2 million frames, leak detection off): a frame held for a message
     * still being assembled costs about 6 bytes when empty (a list slot: empty bodies share one
     * buffer) and about 95 bytes with a 1-byte body (134 behind CURVE), so a message at this
     * limit holds at most about 9 MiB besides its bodies.
     */
    public static final long DEFAULT_MAX_MESSAGE_FRAMES = 65_536;
    /** Smallest handshake limit accepted: every handshake command without metadata fits (PLAIN HELLO: up to 518 bytes). */
    public static final long MIN_HANDSHAKE_FRAME_SIZE = 1024;

    private final SocketType socketType;
    private final byte[] identity;
    private final Metadata userMetadata;
    private final Supplier<? extends Mechanism> mechanism;
    private final String mechanismName;
    private final Authenticator authenticator;
    private final String zapDomain;
    private final boolean zapEnforceDomain;
    private final long maxFrameSize;
    private final long maxHandshakeFrameSize;
    private final long maxMessageSize;
    private final long maxMessageFrames;
    private final Duration handshakeTimeout;
    private final Duration heartbeatInterval;
    private final Duration heartbeatTtl;
    private final Duration heartbeatTimeout;
    private final boolean assembleMessages;

    private ZmtpConfig(Builder b) {
        this.socketType = b.socketType;
        this.identity = b.identity.clone();
        this.userMetadata = b.userMetadata;
        this.mechanism = b.mechanism;
        this.authenticator = b.authenticator;
        this.zapDomain = b.zapDomain;
        this.zapEnforceDomain = b.zapEnforceDomain;
        this.maxFrameSize = b.maxFrameSize;
        this.maxHandshakeFrameSize = b.maxHandshakeFrameSize;
        this.maxMessageSize = b.maxMessageSize;
        this.maxMessageFrames = b.maxMessageFrames;
        this.handshakeTimeout = b.handshakeTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.heartbeatTtl = b.heartbeatTtl;
        this.heartbeatTimeout = b.heartbeatTimeout == null ? b.heartbeatInterval : b.heartbeatTimeout;
        this.assembleMessages = b.assembleMessages;
        Mechanism sample = mechanism.get();
        this.mechanismName = sample.name();
        Greeting.mechanismBytes(mechanismName);
        if (sample.requiresAuthenticator() && authenticator == null) {
            throw new IllegalArgumentException("the " + mechanismName
                    + " server needs an authenticator to decide who may connect; set one with authenticator(...)");
        }
        long ownHandshakeCommand = LARGEST_HANDSHAKE_OVERHEAD + (long) localMetadata().encodedLength();
        if (maxHandshakeFrameSize >= 0 && ownHandshakeCommand > maxHandshakeFrameSize) {
            throw new IllegalArgumentException("our own handshake command would be up to " + ownHandshakeCommand
                    + " bytes (metadata included) but maxHandshakeFrameSize is " + maxHandshakeFrameSize
                    + ": a peer with the same limit would refuse it; shrink the metadata or raise the limit");
        }
    }

    public static Builder builder(SocketType socketType) {
        return new Builder(socketType);
    }

    public SocketType socketType() {
        return socketType;
    }

    /** Our routing id, sent as the {@code Identity} property by REQ, DEALER and ROUTER. */
    public byte[] identity() {
        return identity.clone();
    }

    /** Application properties added to our READY/INITIATE. */
    public Metadata userMetadata() {
        return userMetadata;
    }

    /** A fresh mechanism for one connection. */
    public Mechanism newMechanism() {
        return mechanism.get();
    }

    public String mechanismName() {
        return mechanismName;
    }

    /** The authenticator asked on the server side, or {@code null}. */
    public Authenticator authenticator() {
        return authenticator;
    }

    public String zapDomain() {
        return zapDomain;
    }

    /**
     * ZMQ_ZAP_ENFORCE_DOMAIN: the authenticator is asked only when a ZAP domain is set, and a
     * domain set with no authenticator refuses every peer (libzmq's stricter mode: without it a
     * missing handler lets peers in, and CURVE asks whatever the domain).
     */
    public boolean zapEnforceDomain() {
        return zapEnforceDomain;
    }

    /** Largest inbound frame body in bytes, or -1 for no limit (libzmq's ZMQ_MAXMSGSIZE, per frame). */
    public long maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * Largest inbound frame body in bytes until the handshake is complete (any frame, command or
     * message), or -1 for none beyond {@link #maxFrameSize()}. libzmq has no such bound.
     */
    public long maxHandshakeFrameSize() {
        return maxHandshakeFrameSize;
    }

    /** Largest sum of frame bodies in one received multipart message, or -1 for none. */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** Most frames in one received multipart message, or -1 for none. */
    public long maxMessageFrames() {
        return maxMessageFrames;
    }

    /** The bounds the decoding handlers enforce on what a peer may make this side hold. */
    public InboundLimits inboundLimits() {
        return new InboundLimits(maxFrameSize, maxHandshakeFrameSize, maxMessageSize, maxMessageFrames);
    }

    /** Time allowed for greeting plus security handshake; zero for no limit. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** Interval between our PINGs; zero turns heartbeats off. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** TTL we advertise in our PINGs; zero for none. */
    public Duration heartbeatTtl() {
        return heartbeatTtl;
    }

    /** How long after a PING we wait for any traffic before closing. */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** True when data frames are assembled into {@link ZmtpMessage}s; false passes {@link ZmtpFrame}s. */
    public boolean assembleMessages() {
        return assembleMessages;
    }

    /** The properties we announce: Socket-Type, Identity (REQ, DEALER, ROUTER), then user properties. */
    public Metadata localMetadata() {
        Metadata.Builder b = Metadata.builder().put(Metadata.SOCKET_TYPE, socketType.wireName());
        if (socketType.sendsIdentity()) {
            b.put(Metadata.IDENTITY, identity);
        }
        return b.putAll(userMetadata).build();
    }

    /** Collects the settings; every setter validates its value and names it in the exception. */
    public static final class Builder {
        private final SocketType socketType;
        private byte[] identity = new byte[0];
        private Metadata userMetadata = Metadata.empty();
        private Supplier<? extends Mechanism> mechanism = NullMechanism::new;
        private Authenticator authenticator;
        private String zapDomain = "";
        private boolean zapEnforceDomain;
        private long maxFrameSize = -1;
        private long maxHandshakeFrameSize = DEFAULT_MAX_HANDSHAKE_FRAME_SIZE;
        private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private long maxMessageFrames = DEFAULT_MAX_MESSAGE_FRAMES;
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private Duration heartbeatInterval = Duration.ZERO;
        private Duration heartbeatTtl = Duration.ZERO;
        private Duration heartbeatTimeout;
        private boolean assembleMessages = true;

        private Builder(SocketType socketType) {
            this.socketType = Objects.requireNonNull(socketType, "socketType");
        }

        public Builder identity(byte[] identity) {
            if (identity == null || identity.length > 255) {
                throw new IllegalArgumentException("identity must be 0..255 bytes, got "
                        + (identity == null ? "null" : identity.length + " bytes"));
            }
            this.identity = identity.clone();
            return this;
        }

        /**
         * Application properties to announce. Names {@code Socket-Type} and {@code Identity} are
         * the codec's own and are refused here.
         */
        public Builder metadata(Metadata metadata) {
            for (String name : metadata.names()) {
                if (name.equalsIgnoreCase(Metadata.SOCKET_TYPE) || name.equalsIgnoreCase(Metadata.IDENTITY)) {
                    throw new IllegalArgumentException("metadata property '" + name
                            + "' is set by the codec; use the socket type and identity settings");
                }
            }
            this.userMetadata = metadata;
            return this;
        }

        /** The mechanism, as a supplier of one instance per connection (e.g. {@code NullMechanism::new}). */
        public Builder mechanism(Supplier<? extends Mechanism> mechanism) {
            this.mechanism = Objects.requireNonNull(mechanism, "mechanism");
            return this;
        }

        /**
         * The CURVE server role with its permanent key pair. Clients are checked by the
         * authenticator (credentials: the client's 32-byte public key) when one is set; without one
         * every client that knows our public key is accepted, as libzmq does without a ZAP handler.
         */
        public Builder curveServer(CurveKeyPair serverKeys) {
            CurveMechanism.server(serverKeys);
            return mechanism(() -> CurveMechanism.server(serverKeys));
        }

        /** The CURVE client role: the server's 32-byte public key and our permanent key pair. */
        public Builder curveClient(byte[] serverPublicKey, CurveKeyPair clientKeys) {
            CurveMechanism.client(serverPublicKey, clientKeys);
            byte[] serverKey = serverPublicKey.clone();
            return mechanism(() -> CurveMechanism.client(serverKey, clientKeys));
        }

        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        /** See {@link ZmtpConfig#zapEnforceDomain()}. */
        public Builder zapEnforceDomain(boolean on) {
            this.zapEnforceDomain = on;
            return this;
        }

        public Builder zapDomain(String zapDomain) {
            if (zapDomain == null || zapDomain.length() > 254) {
                throw new IllegalArgumentException("ZAP domain must be 0..254 characters: " + zapDomain);
            }
            this.zapDomain = zapDomain;
            return this;
        }

        /** Largest inbound frame in bytes; -1 for no limit (beyond the 2 GiB a ByteBuf can hold). */
        public Builder maxFrameSize(long bytes) {
            if (bytes < -1) {
                throw new IllegalArgumentException("maxFrameSize must be -1 (no limit) or >= 0: " + bytes);
            }
            this.maxFrameSize = bytes;
            return this;
        }

        /**
         * Largest inbound frame in bytes before the handshake is complete, command or message
         * (default {@link #DEFAULT_MAX_HANDSHAKE_FRAME_SIZE}); -1 for no bound beyond
         * {@link #maxFrameSize(long)}, as in libzmq. A peer declaring more is refused before the
         * frame is buffered, with {@code HandshakeFailed} PROTOCOL naming this limit. It must hold
         * the peer's metadata: raise it only if peers send large metadata properties.
         */
        public Builder maxHandshakeFrameSize(long bytes) {
            if (bytes != -1 && bytes < MIN_HANDSHAKE_FRAME_SIZE) {
                throw new IllegalArgumentException("maxHandshakeFrameSize must be -1 (no limit) or at least "
                        + MIN_HANDSHAKE_FRAME_SIZE + " bytes (the fixed-size handshake commands need that much): "
                        + bytes);
            }
            this.maxHandshakeFrameSize = bytes;
            return this;
        }

        /**
         * Largest sum of the frame bodies of one received multipart message (default
         * {@link #DEFAULT_MAX_MESSAGE_SIZE}); -1 for none, as in libzmq. A frame that would take a
         * message past it is refused at its header (behind CURVE: as it is unboxed), the frames
         * assembled so far are released, and the connection closes with a
         * {@link ZmtpProtocolException} naming this limit. Applies when messages are assembled
         * ({@link #assembleMessages(boolean)}, the default).
         */
        public Builder maxMessageSize(long bytes) {
            if (bytes < -1) {
                throw new IllegalArgumentException("maxMessageSize must be -1 (no limit) or >= 0: " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Most frames in one received multipart message (default {@link #DEFAULT_MAX_MESSAGE_FRAMES});
         * -1 for none, as in libzmq. Enforced like {@link #maxMessageSize(long)}; it is what bounds a
         * message of empty frames, which costs memory that no byte limit counts.
         */
        public Builder maxMessageFrames(long frames) {
            if (frames != -1 && frames < 1) {
                throw new IllegalArgumentException("maxMessageFrames must be -1 (no limit) or >= 1: " + frames);
            }
            this.maxMessageFrames = frames;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = nonNegative("handshakeTimeout", timeout);
            return this;
        }

        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = nonNegative("heartbeatInterval", interval);
            return this;
        }

        /**
         * TTL advertised in our PINGs, at most 6553.5 s on the wire. libzmq 4.3.4 misreads TTLs
         * above 65.5 s (a 16-bit overflow), so keep it below that when libzmq may be the peer.
         */
        public Builder heartbeatTtl(Duration ttl) {
            nonNegative("heartbeatTtl", ttl);
            if (ttl.toMillis() / 100 > 0xFFFF) {
                throw new IllegalArgumentException("heartbeatTtl must be at most 6553500 ms: " + ttl.toMillis() + " ms");
            }
            this.heartbeatTtl = ttl;
            return this;
        }

        /** How long to wait for traffic after a PING; defaults to the heartbeat interval. */
        public Builder heartbeatTimeout(Duration timeout) {
            this.heartbeatTimeout = nonNegative("heartbeatTimeout", timeout);
            return this;
        }

        public Builder assembleMessages(boolean assemble) {
            this.assembleMessages = assemble;
            return this;
        }

        public ZmtpConfig build() {
            return new ZmtpConfig(this);
        }

        private static Duration nonNegative(String name, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero or positive: " + d);
            }
            return d;
        }
    }
}
