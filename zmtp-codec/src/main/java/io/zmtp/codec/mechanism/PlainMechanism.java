package io.zmtp.codec.mechanism;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.CommandCodec;
import io.zmtp.codec.command.ErrorCommand;
import io.zmtp.codec.command.Ready;
import io.zmtp.codec.handshake.HandshakeFailed;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The PLAIN mechanism (RFC 24): the client sends HELLO with a username and password, the server
 * asks its authenticator and answers WELCOME or ERROR; the client sends INITIATE with its metadata
 * and the server answers READY with its own. Roles come from configuration only, never from the
 * greeting's as-server byte.
 *
 * <p>libzmq's PLAIN ERROR is misspelt on the wire and its client recognises only that spelling,
 * while JeroMQ's client expects the correct one. The server therefore sends libzmq's spelling to
 * peers that advertise ZMTP 3.1 (libzmq 4.x) and the correct one to 3.0 peers (JeroMQ); the client
 * accepts both.
 */
public final class PlainMechanism implements Mechanism {
    public static final String NAME = "PLAIN";

    private enum State { EXPECT_HELLO, AUTHENTICATING, EXPECT_INITIATE, EXPECT_WELCOME, EXPECT_READY, DONE }

    private final boolean server;
    private final byte[] username;
    private final byte[] password;
    private State state;
    private AuthResult auth;

    private PlainMechanism(boolean server, byte[] username, byte[] password) {
        this.server = server;
        this.username = username;
        this.password = password;
    }

    /** The client side, with the credentials it presents (each at most 255 UTF-8 bytes). */
    public static PlainMechanism client(String username, String password) {
        byte[] u = username.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        if (u.length > 255 || p.length > 255) {
            throw new IllegalArgumentException("PLAIN username and password are at most 255 bytes each");
        }
        return new PlainMechanism(false, u, p);
    }

    /** The server side; it needs an authenticator. */
    public static PlainMechanism server() {
        return new PlainMechanism(true, null, null);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean asServer() {
        return server;
    }

    @Override
    public boolean requiresAuthenticator() {
        return server;
    }

    @Override
    public void start(MechanismContext context) {
        if (server) {
            state = State.EXPECT_HELLO;
        } else {
            state = State.EXPECT_WELCOME;
            context.send(new PlainHello(username, password));
        }
    }

    @Override
    public void handle(MechanismContext context, ByteBuf command) {
        String name = CommandCodec.name(command);
        ByteBuf data = CommandCodec.data(command);
        if (state == State.DONE) {
            return;
        }
        if (name.equals(ErrorCommand.NAME)) {
            ErrorCommand error = ErrorCommand.decodeData(data, CommandCodec.isLibzmqPlainError(command));
            state = State.DONE;
            context.fail(error.isAuthFailure() ? HandshakeFailed.Reason.AUTH : HandshakeFailed.Reason.PROTOCOL,
                    "PLAIN peer sent ERROR '" + error.reason() + "'", null);
            return;
        }
        switch (state) {
            case EXPECT_HELLO -> expect(name, PlainHello.NAME, () -> onHello(context, data));
            case EXPECT_INITIATE -> expect(name, PlainInitiate.NAME, () -> {
                Metadata peer = Metadata.decode(data);
                state = State.DONE;
                context.send(new Ready(context.localMetadata()));
                context.complete(peer, auth);
            });
            case EXPECT_WELCOME -> expect(name, PlainWelcome.NAME, () -> {
                if (data.isReadable()) {
                    throw new ZmtpProtocolException("PLAIN WELCOME carries " + data.readableBytes()
                            + " bytes of data; it must be empty");
                }
                state = State.EXPECT_READY;
                context.send(new PlainInitiate(context.localMetadata()));
            });
            case EXPECT_READY -> expect(name, Ready.NAME, () -> {
                Metadata peer = Metadata.decode(data);
                state = State.DONE;
                context.complete(peer, null);
            });
            case AUTHENTICATING -> throw new ZmtpProtocolException("PLAIN client sent " + name
                    + " before the server answered its HELLO");
            default -> throw new ZmtpProtocolException("unexpected command " + name + " in PLAIN state " + state);
        }
    }

    private void expect(String actual, String expected, Runnable then) {
        if (!actual.equals(expected)) {
            throw new ZmtpProtocolException("PLAIN " + (server ? "server" : "client") + " expected " + expected
                    + " but the peer sent " + actual);
        }
        then.run();
    }

    private void onHello(MechanismContext context, ByteBuf data) {
        PlainHello hello = PlainHello.decodeData(data);
        state = State.AUTHENTICATING;
        context.authenticate(NAME, List.of(hello.username(), hello.password()), result -> {
            if (result.allowed()) {
                auth = result;
                state = State.EXPECT_INITIATE;
                context.send(new PlainWelcome());
            } else {
                state = State.DONE;
                boolean libzmqSpelling = context.peerVersion().hasSubscriptionCommands();
                context.fail(HandshakeFailed.Reason.AUTH, "PLAIN user '"
                        + new String(hello.username(), StandardCharsets.UTF_8) + "' refused: "
                        + result.statusCode() + " " + result.statusText(),
                        new ErrorCommand(Integer.toString(result.statusCode()), libzmqSpelling));
            }
        });
    }
}
