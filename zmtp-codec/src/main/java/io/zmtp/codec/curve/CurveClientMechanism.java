package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.mechanism.MechanismContext;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The CURVE client: HELLO, then INITIATE once the WELCOME opens with the server key we were
 * given, then READY completes. Its transient secret key and the HELLO key are wiped as soon as
 * the session key is derived.
 */
final class CurveClientMechanism extends CurveMechanism {
    static final int HELLO_DATA = 194;
    static final int WELCOME_DATA = 160;

    private enum State { EXPECT_WELCOME, EXPECT_READY, DONE }

    private final byte[] serverKey;
    private final CurveKeyPair keys;
    private State state;
    private byte[] transientPublic;
    private byte[] transientSecret;
    private byte[] helloKey;
    private byte[] sessionKey;

    CurveClientMechanism(byte[] serverKey, CurveKeyPair keys) {
        this.serverKey = serverKey;
        this.keys = keys;
    }

    @Override
    public boolean asServer() {
        return false;
    }

    @Override
    void begin(MechanismContext context) {
        transientSecret = CurveCrypto.newSecretKey();
        transientPublic = CurveCrypto.publicKeyOf(transientSecret);
        helloKey = precompute(serverKey, transientSecret, "the configured server public key");
        long nonce = takeNonce();
        byte[] signature = CryptoBox.seal(helloKey, CurveCrypto.shortNonce(CurveCrypto.HELLO_PREFIX, nonce), new byte[64]);
        ByteBuffer data = ByteBuffer.allocate(HELLO_DATA);
        data.put((byte) 1).put((byte) 0);           // CurveZMQ 1.0
        data.position(data.position() + 72);         // anti-amplification padding, zeros
        data.put(transientPublic).putLong(nonce).put(signature);
        state = State.EXPECT_WELCOME;
        context.send(new CurveCommand("HELLO", data.array()));
    }

    @Override
    void onCommand(MechanismContext context, String name, ByteBuf data) {
        switch (state) {
            case EXPECT_WELCOME -> {
                expect(name, "WELCOME", "client");
                onWelcome(context, ByteBufUtil.getBytes(data));
            }
            case EXPECT_READY -> {
                expect(name, "READY", "client");
                onReady(context, ByteBufUtil.getBytes(data));
            }
            default -> throw new ZmtpProtocolException("unexpected command " + name + " after the CURVE handshake");
        }
    }

    private void onWelcome(MechanismContext context, byte[] w) {
        if (w.length != WELCOME_DATA) {
            throw new ZmtpProtocolException("CURVE WELCOME must be 168 bytes, got " + (w.length + 8));
        }
        byte[] plaintext = open(helloKey, CurveCrypto.longNonce(CurveCrypto.WELCOME_PREFIX, w, 0), w, 16, 144,
                "CURVE WELCOME does not open with the server public key we were given (" + Z85.encode(serverKey)
                        + "): the server holds a different key");
        CurveCrypto.wipe(helloKey);
        helloKey = null;
        byte[] serverTransient = Arrays.copyOfRange(plaintext, 0, 32);
        sessionKey = precompute(serverTransient, transientSecret, "the server's transient key");

        byte[] vouchNonce = CurveCrypto.random(16);
        byte[] secret = keys.secretKey();
        byte[] vouchKey = precompute(serverTransient, secret, "the server's transient key");
        byte[] vouched = ByteBuffer.allocate(64).put(transientPublic).put(serverKey).array();
        byte[] vouch = CryptoBox.seal(vouchKey, CurveCrypto.longNonce(CurveCrypto.VOUCH_PREFIX, vouchNonce, 0), vouched);
        CurveCrypto.wipe(secret, vouchKey, transientSecret);
        transientSecret = null;

        byte[] metadata = encode(context.localMetadata());
        byte[] inner = ByteBuffer.allocate(128 + metadata.length)
                .put(keys.publicKey()).put(vouchNonce).put(vouch).put(metadata).array();
        long nonce = takeNonce();
        byte[] box = CryptoBox.seal(sessionKey, CurveCrypto.shortNonce(CurveCrypto.INITIATE_PREFIX, nonce), inner);
        byte[] data = ByteBuffer.allocate(96 + 8 + box.length)
                .put(plaintext, 32, 96).putLong(nonce).put(box).array();
        state = State.EXPECT_READY;
        context.send(new CurveCommand("INITIATE", data));
    }

    private void onReady(MechanismContext context, byte[] r) {
        if (r.length < 8 + CurveCrypto.TAG) {
            throw new ZmtpProtocolException("CURVE READY of " + (r.length + 6) + " bytes is shorter than 30");
        }
        long nonce = ByteBuffer.wrap(r).getLong();
        byte[] plaintext = open(sessionKey, CurveCrypto.shortNonce(CurveCrypto.READY_PREFIX, nonce), r, 8, r.length - 8,
                "CURVE READY does not open with the session key");
        Metadata peer = decodeMetadata(plaintext, 0);
        peerNonce(nonce, true, "READY");
        state = State.DONE;
        byte[] key = sessionKey;
        sessionKey = null;
        established(key);
        context.complete(peer, null);
    }

    @Override
    void wipeHandshakeSecrets() {
        CurveCrypto.wipe(transientSecret, helloKey, sessionKey);
        transientSecret = null;
        helloKey = null;
        sessionKey = null;
    }

    @Override
    List<byte[]> secretsHeld() {
        return Stream.of(transientSecret, helloKey, sessionKey).filter(Objects::nonNull).toList();
    }

    @Override
    byte[] ourMessagePrefix() {
        return CurveCrypto.MESSAGE_FROM_CLIENT;
    }

    @Override
    byte[] peerMessagePrefix() {
        return CurveCrypto.MESSAGE_FROM_SERVER;
    }

    @Override
    public String closeDiagnosis() {
        if (state == State.EXPECT_WELCOME) {
            return "the CURVE server closed without answering our HELLO, which is what a server does when the "
                    + "HELLO does not open: the server public key configured here (" + Z85.encode(serverKey)
                    + ") is probably not the server's";
        }
        if (state == State.EXPECT_READY) {
            return "the CURVE server closed after our INITIATE without sending READY or ERROR";
        }
        return null;
    }
}
