package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.ErrorCommand;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.codec.mechanism.MechanismContext;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The CURVE server: opens HELLO with its permanent secret key and answers WELCOME with a fresh
 * transient key and a cookie (16-byte nonce plus secretbox[C' ‖ s'] under a key made for this
 * connection); on INITIATE it checks the cookie, the box, and the vouch (which must name the
 * HELLO's C' and our S), asks the authenticator about the client's permanent key, and answers
 * READY or ERROR. The cookie key and the transient secret are wiped once INITIATE is handled.
 * A HELLO that does not open ends the connection without ERROR, as in libzmq.
 */
final class CurveServerMechanism extends CurveMechanism {
    static final int HELLO_DATA = 194;
    static final int MIN_INITIATE_DATA = 248;

    private enum State { EXPECT_HELLO, EXPECT_INITIATE, AUTHENTICATING, DONE }

    private final CurveKeyPair keys;
    private State state;
    private byte[] clientTransient;
    private byte[] transientSecret;
    private byte[] cookieKey;

    CurveServerMechanism(CurveKeyPair keys) {
        this.keys = keys;
    }

    @Override
    public boolean asServer() {
        return true;
    }

    @Override
    void begin(MechanismContext context) {
        state = State.EXPECT_HELLO;
    }

    @Override
    void onCommand(MechanismContext context, String name, ByteBuf data) {
        switch (state) {
            case EXPECT_HELLO -> {
                expect(name, "HELLO", "server");
                onHello(context, ByteBufUtil.getBytes(data));
            }
            case EXPECT_INITIATE -> {
                expect(name, "INITIATE", "server");
                onInitiate(context, ByteBufUtil.getBytes(data));
            }
            case AUTHENTICATING -> throw new ZmtpProtocolException("CURVE client sent " + name
                    + " before the server answered its INITIATE");
            default -> throw new ZmtpProtocolException("unexpected command " + name + " after the CURVE handshake");
        }
    }

    private void onHello(MechanismContext context, byte[] h) {
        if (h.length != HELLO_DATA) {
            throw new ZmtpProtocolException("CURVE HELLO must be 200 bytes, got " + (h.length + 6));
        }
        if (h[0] != 1 || h[1] != 0) {
            throw new ZmtpProtocolException("CURVE HELLO announces version " + (h[0] & 0xFF) + "." + (h[1] & 0xFF)
                    + "; only 1.0 exists");
        }
        clientTransient = Arrays.copyOfRange(h, 74, 106);
        long nonce = ByteBuffer.wrap(h, 106, 8).getLong();
        peerNonce(nonce, true, "HELLO");
        byte[] secret = keys.secretKey();
        byte[] helloKey = precompute(clientTransient, secret, "the client's transient key");
        CurveCrypto.wipe(secret);
        try {
            open(helloKey, CurveCrypto.shortNonce(CurveCrypto.HELLO_PREFIX, nonce), h, 114, 80,
                    "CURVE HELLO does not open with our secret key: the client was given another server public key"
                            + " than ours (" + keys.publicKeyZ85() + ")");

            transientSecret = CurveCrypto.newSecretKey();
            cookieKey = CurveCrypto.random(CurveCrypto.KEY);
            byte[] cookieNonce = CurveCrypto.random(16);
            byte[] cookieContent = ByteBuffer.allocate(64).put(clientTransient).put(transientSecret).array();
            byte[] cookieBox = CryptoBox.seal(cookieKey, CurveCrypto.longNonce(CurveCrypto.COOKIE_PREFIX, cookieNonce, 0),
                    cookieContent);
            CurveCrypto.wipe(cookieContent);

            byte[] welcomeContent = ByteBuffer.allocate(128).put(CurveCrypto.publicKeyOf(transientSecret))
                    .put(cookieNonce).put(cookieBox).array();
            byte[] welcomeNonce = CurveCrypto.random(16);
            byte[] welcomeBox = CryptoBox.seal(helloKey,
                    CurveCrypto.longNonce(CurveCrypto.WELCOME_PREFIX, welcomeNonce, 0), welcomeContent);
            state = State.EXPECT_INITIATE;
            context.send(new CurveCommand("WELCOME",
                    ByteBuffer.allocate(16 + welcomeBox.length).put(welcomeNonce).put(welcomeBox).array()));
        } finally {
            CurveCrypto.wipe(helloKey);
        }
    }

    private void onInitiate(MechanismContext context, byte[] in) {
        if (in.length < MIN_INITIATE_DATA) {
            throw new ZmtpProtocolException("CURVE INITIATE must be at least 257 bytes, got " + (in.length + 9));
        }
        try {
            byte[] cookie = open(cookieKey, CurveCrypto.longNonce(CurveCrypto.COOKIE_PREFIX, in, 0), in, 16, 80,
                    "CURVE INITIATE carries a cookie this server did not issue");
            boolean ours = CurveCrypto.equalAt(clientTransient, cookie, 0) && CurveCrypto.equalAt(transientSecret, cookie, 32);
            CurveCrypto.wipe(cookie);
            if (!ours) {
                throw new ZmtpProtocolException("CURVE INITIATE cookie belongs to another connection");
            }
        } finally {
            CurveCrypto.wipe(cookieKey);
            cookieKey = null;
        }
        long nonce = ByteBuffer.wrap(in, 96, 8).getLong();
        peerNonce(nonce, false, "INITIATE");
        byte[] sessionKey = precompute(clientTransient, transientSecret, "the client's transient key");
        byte[] clientKey;
        Metadata peer;
        try {
            byte[] inner = open(sessionKey, CurveCrypto.shortNonce(CurveCrypto.INITIATE_PREFIX, nonce),
                    in, 104, in.length - 104, "CURVE INITIATE box does not open");
            clientKey = Arrays.copyOfRange(inner, 0, 32);
            checkVouch(inner, clientKey);
            peer = decodeMetadata(inner, 128);
        } catch (RuntimeException e) {
            CurveCrypto.wipe(sessionKey);
            throw e;
        } finally {
            CurveCrypto.wipe(transientSecret);
            transientSecret = null;
        }
        if (context.authenticatorMissing()) {
            CurveCrypto.wipe(sessionKey);
            context.fail(HandshakeFailed.Reason.AUTH, "ZAP_ENFORCE_DOMAIN: a ZAP domain is set and no authenticator answers",
                    new ErrorCommand("500"));
            return;
        }
        if (!context.hasAuthenticator()) {
            ready(context, sessionKey, peer, null);
            return;
        }
        state = State.AUTHENTICATING;
        context.authenticate(NAME, List.of(clientKey), result -> {
            if (isClosed()) {
                // The connection went away while the authenticator thought.
                CurveCrypto.wipe(sessionKey);
                return;
            }
            if (result.allowed()) {
                ready(context, sessionKey, peer, result);
            } else {
                state = State.DONE;
                abandon();
                CurveCrypto.wipe(sessionKey);
                context.fail(HandshakeFailed.Reason.AUTH, "CURVE client key " + Z85.encode(clientKey) + " refused: "
                        + result.statusCode() + " " + result.statusText(),
                        new ErrorCommand(Integer.toString(result.statusCode())));
            }
        });
    }

    /** The vouch must be Box[C' ‖ S](C→S'): proof that the holder of C made this C' for this server. */
    private void checkVouch(byte[] inner, byte[] clientKey) {
        byte[] vouchKey = precompute(clientKey, transientSecret, "the client's public key");
        try {
            byte[] vouch = open(vouchKey, CurveCrypto.longNonce(CurveCrypto.VOUCH_PREFIX, inner, 32), inner, 48, 80,
                    "CURVE INITIATE vouch does not open: the client does not hold the secret key of "
                            + Z85.encode(clientKey));
            if (!CurveCrypto.equalAt(clientTransient, vouch, 0)) {
                throw new ZmtpProtocolException("CURVE INITIATE vouch is for another transient key than the HELLO's");
            }
            if (!CurveCrypto.equalAt(keys.publicKey(), vouch, 32)) {
                throw new ZmtpProtocolException("CURVE INITIATE vouch names another server key than ours");
            }
        } finally {
            CurveCrypto.wipe(vouchKey);
        }
    }

    private void ready(MechanismContext context, byte[] sessionKey, Metadata peer, AuthResult auth) {
        long nonce = takeNonce();
        byte[] box = CryptoBox.seal(sessionKey, CurveCrypto.shortNonce(CurveCrypto.READY_PREFIX, nonce),
                encode(context.localMetadata()));
        state = State.DONE;
        context.send(new CurveCommand("READY", ByteBuffer.allocate(8 + box.length).putLong(nonce).put(box).array()));
        established(sessionKey);
        context.complete(peer, auth);
    }

    @Override
    void wipeHandshakeSecrets() {
        CurveCrypto.wipe(transientSecret, cookieKey);
        transientSecret = null;
        cookieKey = null;
    }

    @Override
    List<byte[]> secretsHeld() {
        return Stream.of(transientSecret, cookieKey).filter(Objects::nonNull).toList();
    }

    @Override
    byte[] ourMessagePrefix() {
        return CurveCrypto.MESSAGE_FROM_SERVER;
    }

    @Override
    byte[] peerMessagePrefix() {
        return CurveCrypto.MESSAGE_FROM_CLIENT;
    }

    @Override
    public String closeDiagnosis() {
        if (state == State.EXPECT_INITIATE) {
            return "the CURVE client closed after our WELCOME; a client does that when the WELCOME does not open "
                    + "with the server key it was given";
        }
        return null;
    }
}
