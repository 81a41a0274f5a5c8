package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.ErrorCommand;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.codec.mechanism.MechanismContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Handshake secrets do not outlive the handshake: a connection that ends half-way wipes them. */
class CurveSecretsTest {
    private static final CurveKeyPair SERVER = CurveKeyPair.generate();

    /** Records what a mechanism sends; holds an authenticator answer back until told. */
    private static final class Context implements MechanismContext {
        final List<Command> sent = new ArrayList<>();
        Consumer<AuthResult> pendingAuth;
        boolean completed;

        @Override public Metadata localMetadata() { return Metadata.empty(); }
        @Override public ZmtpVersion peerVersion() { return ZmtpVersion.V3_1; }
        @Override public void send(Command command) { sent.add(command); }
        @Override public boolean hasAuthenticator() { return true; }
        @Override public void authenticate(String mechanism, List<byte[]> credentials, Consumer<AuthResult> then) {
            pendingAuth = then;
        }
        @Override public void complete(Metadata peerMetadata, AuthResult auth) { completed = true; }
        @Override public void fail(HandshakeFailed.Reason reason, String detail, ErrorCommand error) { }

        /** The last command sent, as the body the peer's mechanism is handed. */
        ByteBuf last() {
            Command c = sent.get(sent.size() - 1);
            ByteBuf b = Unpooled.buffer(c.encodedLength());
            c.encode(b);
            return b;
        }
    }

    private static void handle(CurveMechanism m, Context ctx, ByteBuf command) {
        try {
            m.handle(ctx, command);
        } finally {
            command.release();
        }
    }

    private static void assertAllZero(List<byte[]> secrets) {
        assertThat(secrets).isNotEmpty().allSatisfy(s -> assertThat(s).containsOnly(0));
    }

    @Test
    void clientClosedAfterHelloWipesItsTransientSecretAndHelloKey() {
        CurveMechanism client = CurveMechanism.client(SERVER.publicKey());
        client.start(new Context());
        List<byte[]> held = client.secretsHeld();
        assertThat(held).hasSize(2).allSatisfy(s -> assertThat(s).isNotEqualTo(new byte[32]));
        client.close();
        assertAllZero(held);
        assertThat(client.secretsHeld()).isEmpty();
    }

    @Test
    void serverClosedAfterWelcomeWipesItsTransientSecretAndCookieKey() {
        Context clientCtx = new Context();
        Context serverCtx = new Context();
        CurveMechanism client = CurveMechanism.client(SERVER.publicKey());
        CurveMechanism server = CurveMechanism.server(SERVER);
        client.start(clientCtx);
        server.start(serverCtx);
        handle(server, serverCtx, clientCtx.last());
        List<byte[]> held = server.secretsHeld();
        assertThat(held).hasSize(2);
        server.close();
        client.close();
        assertAllZero(held);
    }

    @Test
    void anAuthenticatorAnswerAfterCloseIsIgnored() {
        Context clientCtx = new Context();
        Context serverCtx = new Context();
        CurveMechanism client = CurveMechanism.client(SERVER.publicKey());
        CurveMechanism server = CurveMechanism.server(SERVER);
        client.start(clientCtx);
        server.start(serverCtx);
        handle(server, serverCtx, clientCtx.last());     // HELLO -> WELCOME
        handle(client, clientCtx, serverCtx.last());     // WELCOME -> INITIATE
        handle(server, serverCtx, clientCtx.last());     // INITIATE -> asks the authenticator
        assertThat(serverCtx.pendingAuth).isNotNull();
        int sentBefore = serverCtx.sent.size();
        server.close();
        serverCtx.pendingAuth.accept(AuthResult.ok("late"));
        assertThat(serverCtx.completed).isFalse();
        assertThat(serverCtx.sent).as("no READY after close").hasSize(sentBefore);
        client.close();
    }
}
