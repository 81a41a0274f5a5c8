package io.zmtp.codec.mechanism;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.CommandCodec;
import io.zmtp.codec.command.ErrorCommand;
import io.zmtp.codec.command.Ready;
import io.zmtp.codec.handshake.HandshakeFailed;

import java.util.List;

/**
 * The NULL mechanism (RFC 23): both sides send READY with their metadata at once, without waiting
 * for the peer's, as libzmq does. With an authenticator configured (libzmq: a ZAP domain), this
 * side asks it first and sends READY only on status 200, ERROR with the status code otherwise.
 */
public final class NullMechanism implements Mechanism {
    public static final String NAME = "NULL";

    private boolean readySent;
    private Metadata peerMetadata;
    private AuthResult auth;
    private boolean failed;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean asServer() {
        return false;
    }

    @Override
    public void start(MechanismContext context) {
        if (context.authenticatorMissing()) {
            failed = true;
            context.fail(HandshakeFailed.Reason.AUTH, "ZAP_ENFORCE_DOMAIN: a ZAP domain is set and no authenticator answers",
                    new ErrorCommand("500"));
            return;
        }
        if (!context.hasAuthenticator()) {
            sendReady(context);
            return;
        }
        context.authenticate(NAME, List.of(), result -> {
            if (result.allowed()) {
                auth = result;
                sendReady(context);
            } else {
                failed = true;
                context.fail(HandshakeFailed.Reason.AUTH, "peer refused by the authenticator: "
                        + result.statusCode() + " " + result.statusText(),
                        new ErrorCommand(Integer.toString(result.statusCode())));
            }
        });
    }

    private void sendReady(MechanismContext context) {
        readySent = true;
        context.send(new Ready(context.localMetadata()));
        if (peerMetadata != null) {
            context.complete(peerMetadata, auth);
        }
    }

    @Override
    public void handle(MechanismContext context, ByteBuf command) {
        String name = CommandCodec.name(command);
        if (failed) {
            return;
        }
        switch (name) {
            case Ready.NAME -> {
                if (peerMetadata != null) {
                    throw new ZmtpProtocolException("peer sent READY twice");
                }
                peerMetadata = Ready.decodeData(CommandCodec.data(command)).metadata();
                if (readySent) {
                    context.complete(peerMetadata, auth);
                }
            }
            case ErrorCommand.NAME -> {
                ErrorCommand error = ErrorCommand.decodeData(CommandCodec.data(command), false);
                failed = true;
                context.fail(error.isAuthFailure() ? HandshakeFailed.Reason.AUTH : HandshakeFailed.Reason.PROTOCOL,
                        "peer sent ERROR '" + error.reason() + "'", null);
            }
            default -> throw new ZmtpProtocolException("unexpected command " + name + " during the NULL handshake");
        }
    }
}
