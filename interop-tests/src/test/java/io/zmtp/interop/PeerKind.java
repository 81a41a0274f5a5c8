package io.zmtp.interop;

import java.util.List;

import io.zmtp.codec.ZmtpVersion;

/** The implementations our sockets are tested against. */
public enum PeerKind {
    JEROMQ("JeroMQ 0.6.0", false, ZmtpVersion.V3_0),
    LIBZMQ("libzmq 4.3.4", true, ZmtpVersion.V3_1),
    /**
     * libzmq 4.3.5 built with the draft API (bundled by zeromq.js 6.8.0): the libzmq peer for
     * CLIENT, SERVER and the other draft types, which Debian's libzmq 4.3.4 is built without.
     */
    LIBZMQ_DRAFT("libzmq 4.3.5 (draft API)", true, ZmtpVersion.V3_1),
    /** spotify's netty-zmtp 0.4.0 speaking ZMTP/2.0 (RFC 15), the protocol of libzmq 3.x. */
    NETTY_ZMTP_20("netty-zmtp 0.4.0 (ZMTP 2.0)", false, ZmtpVersion.V2_0),
    /** spotify's netty-zmtp 0.4.0 speaking ZMTP/1.0 (RFC 13), the protocol of 0MQ 2.x. */
    NETTY_ZMTP_10("netty-zmtp 0.4.0 (ZMTP 1.0)", false, ZmtpVersion.V1_0);

    /** The peers of the classic socket types' families: every cell runs against both. */
    public static final List<PeerKind> CLASSIC = List.of(JEROMQ, LIBZMQ);
    /** The peers that have the draft socket types (CLIENT, SERVER, ...). */
    public static final List<PeerKind> DRAFT = List.of(JEROMQ, LIBZMQ_DRAFT);
    /** The legacy-protocol peers: our sockets must fall back to their ZMTP as libzmq 4.3 does. */
    public static final List<PeerKind> LEGACY = List.of(NETTY_ZMTP_20, NETTY_ZMTP_10);
    /** Set in CI: a peer that cannot run here fails its cells instead of marking them n/a. */
    static final boolean DRAFT_PEER_REQUIRED = Boolean.parseBoolean(System.getenv("ZMTP_DRAFT_PEER_REQUIRED"));

    private final String label;
    private final boolean ipc;
    private final ZmtpVersion version;

    PeerKind(String label, boolean ipc, ZmtpVersion version) {
        this.label = label;
        this.ipc = ipc;
        this.version = version;
    }

    /**
     * The ZMTP revision the implementation announces: JeroMQ 0.6.0 speaks 3.0 (subscriptions as
     * 0x01/0x00 messages), libzmq 4.3 speaks 3.1 (SUBSCRIBE/CANCEL commands).
     */
    public ZmtpVersion zmtpVersion() {
        return version;
    }

    /** The name used in test names and the report. */
    public String label() {
        return label;
    }

    /** Whether the implementation speaks ipc:// (JeroMQ has no Unix domain socket transport; the netty-zmtp driver speaks tcp only). */
    public boolean supportsIpc() {
        return ipc;
    }

    /** Null when this implementation can run here, else why not. */
    public String unavailable() {
        return switch (this) {
            case LIBZMQ_DRAFT -> LibzmqProcessPeer.Driver.NODE.missing();
            case NETTY_ZMTP_20, NETTY_ZMTP_10 -> LibzmqProcessPeer.Driver.NETTY_ZMTP20.missing();
            default -> null;
        };
    }

    /** Starts a fresh host of this implementation. */
    public PeerHost start() {
        return switch (this) {
            case JEROMQ -> new JeromqPeer.Host();
            case LIBZMQ -> new LibzmqProcessPeer.Host();
            case LIBZMQ_DRAFT -> new LibzmqProcessPeer.Host(LibzmqProcessPeer.Driver.NODE);
            case NETTY_ZMTP_20 -> new LibzmqProcessPeer.Host(LibzmqProcessPeer.Driver.NETTY_ZMTP20);
            case NETTY_ZMTP_10 -> new LibzmqProcessPeer.Host(LibzmqProcessPeer.Driver.NETTY_ZMTP10);
        };
    }
}
