package io.zmtp.codec.handshake;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.mechanism.PlainMechanism;
import io.zmtp.testing.PeerStream;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The fuzzer's bytes as the peer of a server or client handshake, through the whole codec
 * (greeting, frame decoder, handshake handler, mechanism, then the steady-state handlers). Seeds
 * are the streams real peers (the codec itself) sent in a successful handshake, written by
 * {@code FuzzSeedWriter}; see {@link PeerStream} for the input layout and the invariants.
 *
 * <p>CURVE keys are fixed so that captured HELLOs open on replay; the server's cookie key and
 * both sides' short-term keys are fresh per connection, so a replayed INITIATE or WELCOME does
 * not open and fuzzing past them reaches only their refusal paths.
 */
class HandshakeFuzzTest {
    static final CurveKeyPair SERVER_KEYS = fixedKeys(1);
    static final CurveKeyPair CLIENT_KEYS = fixedKeys(2);

    static CurveKeyPair fixedKeys(int fill) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) fill);
        return CurveKeyPair.fromSecret(secret);
    }

    static ZmtpConfig nullServer() {
        return ZmtpConfig.builder(SocketType.ROUTER).build();
    }

    static ZmtpConfig plainServer() {
        return ZmtpConfig.builder(SocketType.ROUTER).mechanism(PlainMechanism::server)
                .authenticator(r -> CompletableFuture.completedFuture(
                        Arrays.equals(r.credentials().get(1), "secret".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                ? AuthResult.ok("admin") : AuthResult.denied("wrong password")))
                .build();
    }

    static ZmtpConfig plainClient() {
        return ZmtpConfig.builder(SocketType.DEALER).mechanism(() -> PlainMechanism.client("admin", "secret")).build();
    }

    static ZmtpConfig curveServer() {
        return ZmtpConfig.builder(SocketType.ROUTER).curveServer(SERVER_KEYS).build();
    }

    static ZmtpConfig curveClient() {
        return ZmtpConfig.builder(SocketType.DEALER).curveClient(SERVER_KEYS.publicKey(), CLIENT_KEYS).build();
    }

    @FuzzTest
    void nullServer(byte[] input) {
        PeerStream.play(nullServer(), input);
    }

    @FuzzTest
    void plainServer(byte[] input) {
        PeerStream.play(plainServer(), input);
    }

    @FuzzTest
    void plainClient(byte[] input) {
        PeerStream.play(plainClient(), input);
    }

    @FuzzTest
    void curveServer(byte[] input) {
        PeerStream.play(curveServer(), input);
    }

    @FuzzTest
    void curveClient(byte[] input) {
        PeerStream.play(curveClient(), input);
    }
}
