package io.zmtp.socket;

import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.curve.Z85;
import io.zmtp.codec.mechanism.NullMechanism;
import io.zmtp.codec.mechanism.PlainMechanism;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The security mechanism part of {@link SocketOptions}: NULL, PLAIN (client or server) or CURVE
 * (client or server) and their credentials. As in libzmq, the last PLAIN or CURVE option set
 * decides which mechanism a new connection gets; CURVE keys are checked when set and again, as a
 * pair, when a connection is configured.
 */
final class MechanismOptions {
    private volatile String plainUsername;
    private volatile String plainPassword;
    private volatile boolean plainServer;
    /** CURVE is the mechanism (the last of the PLAIN/CURVE options set decides, as in libzmq). */
    private volatile boolean curve;
    private volatile boolean curveServer;
    /**
     * The pair of CURVE_SECRETKEY, derived once when the key is set: deriving a public key
     * is an X25519 base-point multiplication, which every new connection used to pay again (a
     * tenth of a CURVE server's event-loop time in the handshake benchmark).
     */
    private volatile CurveKeyPair secretKeyPair;
    private volatile byte[] curvePublicKey;
    private volatile byte[] curveServerKey;
    /** The key pair of a CURVE client that was given none, made once for the socket. */
    private CurveKeyPair generatedCurveKeys;

    void plainClient(String username, String password) {
        if (username == null || password == null) {
            throw new IllegalArgumentException("PLAIN username and password must not be null");
        }
        PlainMechanism.client(username, password); // validates both
        this.plainUsername = username;
        this.plainPassword = password;
        this.plainServer = false;
        this.curve = false;
    }

    void plainServer() {
        this.plainServer = true;
        this.plainUsername = null;
        this.plainPassword = null;
        this.curve = false;
    }

    void curveServer(boolean on) {
        this.curveServer = on;
        this.curve = on;
        if (on) {
            clearPlain();
        }
    }

    boolean isCurveServer() {
        return curve && curveServer;
    }

    void curveSecretKey(byte[] key) {
        this.secretKeyPair = CurveKeyPair.fromSecret(key);
        useCurve();
    }

    void curvePublicKey(byte[] key) {
        this.curvePublicKey = key;
        useCurve();
    }

    void curveServerKey(byte[] key) {
        this.curveServerKey = key;
        this.curveServer = false;
        useCurve();
    }

    /** See {@link SocketOptions#curvePublicKey()}. */
    byte[] presentedCurvePublicKey() {
        if (!curve) {
            return null;
        }
        CurveKeyPair pair = secretKeyPair;
        if (pair != null) {
            return pair.publicKey();
        }
        return curveServer || curvePublicKey != null ? null : generatedCurveKeys().publicKey();
    }

    /** Sets the mechanism of a new connection's codec configuration. */
    void configure(ZmtpConfig.Builder b) {
        if (curve) {
            curveMechanism(b);
        } else if (plainServer) {
            b.mechanism(PlainMechanism::server);
        } else if (plainUsername != null) {
            String u = plainUsername;
            String p = plainPassword;
            b.mechanism(() -> PlainMechanism.client(u, p));
        } else {
            b.mechanism(NullMechanism::new);
        }
    }

    private void useCurve() {
        this.curve = true;
        clearPlain();
    }

    private void clearPlain() {
        this.plainServer = false;
        this.plainUsername = null;
        this.plainPassword = null;
    }

    /** A key given as text: 40 Z85 characters or 64 hex digits; errors never repeat the text. */
    static byte[] textKey(String option, String key) {
        try {
            return CurveKeyPair.decodeKey(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** A key given as libzmq takes it: 32 bytes, or Z85 text of 40 bytes (41 with a trailing NUL). */
    static byte[] binaryKey(String option, byte[] key) {
        if (key == null) {
            throw new IllegalArgumentException(option + " must not be null");
        }
        if (key.length == 32) {
            return key.clone();
        }
        if (key.length == 40 || key.length == 41 && key[40] == 0) {
            try {
                return Z85.decode(new String(key, 0, 40, StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + " is not valid Z85: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException(option + " must be 32 bytes or 40 Z85 characters, got " + key.length + " bytes");
    }

    private synchronized CurveKeyPair generatedCurveKeys() {
        if (generatedCurveKeys == null) {
            generatedCurveKeys = CurveKeyPair.generate();
        }
        return generatedCurveKeys;
    }

    /** The permanent key pair from CURVE_SECRETKEY, checked against CURVE_PUBLICKEY when both are set. */
    private CurveKeyPair configuredCurveKeys() {
        CurveKeyPair pair = secretKeyPair;
        byte[] expected = curvePublicKey;
        if (expected != null && !Arrays.equals(expected, pair.publicKey())) {
            throw new IllegalStateException("CURVE_PUBLICKEY " + Z85.encode(expected)
                    + " does not belong to CURVE_SECRETKEY (whose public key is " + pair.publicKeyZ85() + ")");
        }
        return pair;
    }

    private void curveMechanism(ZmtpConfig.Builder b) {
        if (curveServer) {
            if (secretKeyPair == null) {
                throw new IllegalStateException("a CURVE server needs CURVE_SECRETKEY");
            }
            b.curveServer(configuredCurveKeys());
            return;
        }
        if (curveServerKey == null) {
            throw new IllegalStateException("a CURVE client needs CURVE_SERVERKEY (or set CURVE_SERVER for a server)");
        }
        CurveKeyPair mine;
        if (secretKeyPair != null) {
            mine = configuredCurveKeys();
        } else if (curvePublicKey != null) {
            throw new IllegalStateException("CURVE_PUBLICKEY is set without CURVE_SECRETKEY");
        } else {
            mine = generatedCurveKeys();
        }
        b.curveClient(curveServerKey, mine);
    }
}
