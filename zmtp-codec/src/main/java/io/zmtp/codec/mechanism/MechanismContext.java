package io.zmtp.codec.mechanism;

import io.zmtp.codec.Metadata;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.ErrorCommand;
import io.zmtp.codec.handshake.HandshakeFailed;

import java.util.List;
import java.util.function.Consumer;

/** What a {@link Mechanism} may do on its connection; implemented by the handshake handler. */
public interface MechanismContext {
    /** Our properties for READY/INITIATE: Socket-Type, Identity where libzmq sends it, user properties. */
    Metadata localMetadata();

    /** The ZMTP revision the peer advertised in its greeting. */
    ZmtpVersion peerVersion();

    /** Writes and flushes one command to the peer. */
    void send(Command command);

    /** True when an authenticator is configured on this side. */
    boolean hasAuthenticator();

    /**
     * Asks the authenticator about the peer; {@code then} runs on the connection's event loop
     * with the answer (a failed lookup becomes status 500). Only one request may be pending.
     */
    void authenticate(String mechanism, List<byte[]> credentials, Consumer<AuthResult> then);

    /**
     * The handshake succeeded.
     *
     * @param peerMetadata the properties the peer sent (Socket-Type, Identity, ...)
     * @param auth         what the authenticator said, or {@code null} when none was asked
     */
    void complete(Metadata peerMetadata, AuthResult auth);

    /**
     * The handshake failed: optionally send {@code error} to the peer, then close.
     *
     * @param error the ERROR command to send first, or {@code null} to send none
     */
    void fail(HandshakeFailed.Reason reason, String detail, ErrorCommand error);

    /**
     * True when ZAP_ENFORCE_DOMAIN is on, a ZAP domain is set and no authenticator is there to ask:
     * a server mechanism then refuses the peer, as libzmq does when no ZAP handler answers.
     */
    default boolean authenticatorMissing() {
        return false;
    }
}
