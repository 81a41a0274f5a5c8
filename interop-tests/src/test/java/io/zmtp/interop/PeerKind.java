package io.zmtp.interop;

import io.zmtp.codec.ZmtpVersion;

/** The implementations our sockets are tested against. */
public enum PeerKind {
    JEROMQ("JeroMQ 0.6.0", false, ZmtpVersion.V3_0),
    LIBZMQ("libzmq 4.3.4", true, ZmtpVersion.V3_1);

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

    /** Whether the implementation speaks ipc:// (JeroMQ has no Unix domain socket transport). */
    public boolean supportsIpc() {
        return ipc;
    }

    /** Starts a fresh host of this implementation. */
    public PeerHost start() {
        return switch (this) {
            case JEROMQ -> new JeromqPeer.Host();
            case LIBZMQ -> new LibzmqProcessPeer.Host();
        };
    }
}
