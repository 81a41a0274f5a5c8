package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.FrameBox;
import io.zmtp.codec.FrameUnbox;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.CommandCodec;
import io.zmtp.codec.command.ErrorCommand;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.codec.mechanism.Mechanism;
import io.zmtp.codec.mechanism.MechanismContext;

import java.util.List;

/**
 * The CURVE mechanism (ZMTP RFC 25 over CurveZMQ, RFC 26), byte-compatible with libzmq 4.3.
 * The client sends HELLO, the server answers WELCOME with its transient key and a cookie, the
 * client sends INITIATE with its permanent key vouched for and its metadata, and the server, once
 * its authenticator (if any) agrees, answers READY. From then on every frame travels boxed in a
 * MESSAGE command ({@link #frameUnbox()}).
 *
 * <p>Each side keeps one nonce counter for its handshake commands and MESSAGEs (client HELLO 1,
 * INITIATE 2, first MESSAGE 3; server READY 1, first MESSAGE 2) and requires the peer's to rise
 * strictly. Roles come from configuration only. A server without an authenticator accepts every
 * client key, as libzmq does when no ZAP handler is bound; a refused client gets ERROR with the
 * status code and the handshake fails with {@link HandshakeFailed.Reason#AUTH} on both sides.
 */
public abstract sealed class CurveMechanism implements Mechanism permits CurveClientMechanism, CurveServerMechanism {
    public static final String NAME = "CURVE";

    private ZmtpVersion peerVersion = ZmtpVersion.V3_1;
    private long nextNonce = 1;
    private long peerNonce;
    private CurveFrameUnbox frameUnbox;
    private CurveFrameBox frameBox;
    private boolean finished;
    private boolean closed;

    CurveMechanism() {
    }

    /** The server side, holding its permanent key pair; clients must know its public key. */
    public static CurveMechanism server(CurveKeyPair serverKeys) {
        if (serverKeys == null) {
            throw new IllegalArgumentException("a CURVE server needs its key pair");
        }
        return new CurveServerMechanism(serverKeys);
    }

    /** The client side: the server's 32-byte public key, and this client's permanent key pair. */
    public static CurveMechanism client(byte[] serverPublicKey, CurveKeyPair clientKeys) {
        if (serverPublicKey == null || serverPublicKey.length != CryptoBox.KEY_BYTES) {
            throw new IllegalArgumentException("CURVE server public key must be " + CryptoBox.KEY_BYTES + " bytes, got "
                    + (serverPublicKey == null ? "none" : serverPublicKey.length));
        }
        if (clientKeys == null) {
            throw new IllegalArgumentException("a CURVE client needs its key pair");
        }
        return new CurveClientMechanism(serverPublicKey.clone(), clientKeys);
    }

    /** The client side with a fresh permanent key pair (the server sees a key it cannot know beforehand). */
    public static CurveMechanism client(byte[] serverPublicKey) {
        return client(serverPublicKey, CurveKeyPair.generate());
    }

    @Override
    public final String name() {
        return NAME;
    }

    @Override
    public final void start(MechanismContext context) {
        if (context.peerVersion() != null) {
            peerVersion = context.peerVersion();
        }
        begin(context);
    }

    @Override
    public final void handle(MechanismContext context, ByteBuf command) {
        if (finished) {
            return;
        }
        String name = CommandCodec.name(command);
        ByteBuf data = CommandCodec.data(command);
        if (name.equals(ErrorCommand.NAME)) {
            ErrorCommand error = ErrorCommand.decodeData(data, CommandCodec.isLibzmqPlainError(command));
            finished = true;
            context.fail(error.isAuthFailure() ? HandshakeFailed.Reason.AUTH : HandshakeFailed.Reason.PROTOCOL,
                    "CURVE peer sent ERROR '" + error.reason() + "'", null);
            return;
        }
        onCommand(context, name, data);
    }

    /**
     * Wipes the handshake's secrets and the boxes nobody took; later commands and a late
     * authenticator answer are ignored.
     */
    @Override
    public final void close() {
        closed = true;
        finished = true;
        wipeHandshakeSecrets();
        if (frameUnbox != null) {
            frameUnbox.close();
            frameUnbox = null;
        }
        if (frameBox != null) {
            frameBox.close();
            frameBox = null;
        }
    }

    final boolean isClosed() {
        return closed;
    }

    /** Wipes and forgets the transient keys this side still holds. */
    abstract void wipeHandshakeSecrets();

    /** The secret arrays this side holds right now (for tests that check {@link #close()} wipes them). */
    abstract List<byte[]> secretsHeld();

    /** Sends this side's first command, if it speaks first. */
    abstract void begin(MechanismContext context);

    /** One handshake command other than ERROR; throws {@link ZmtpProtocolException} when it is wrong. */
    abstract void onCommand(MechanismContext context, String name, ByteBuf data);

    /** The prefix of our MESSAGE nonces. */
    abstract byte[] ourMessagePrefix();

    /** The prefix of the peer's MESSAGE nonces. */
    abstract byte[] peerMessagePrefix();

    /** Our next nonce, for a handshake command or a MESSAGE. */
    final long takeNonce() {
        return nextNonce++;
    }

    /**
     * Records the nonce of a handshake command from the peer. The first one sets the baseline;
     * every later one (and every MESSAGE) must be above the last.
     */
    final void peerNonce(long nonce, boolean first, String command) {
        if (!first && Long.compareUnsigned(nonce, peerNonce) <= 0) {
            throw new ZmtpProtocolException("CURVE " + command + " nonce " + Long.toUnsignedString(nonce)
                    + " is not above the peer's previous nonce " + Long.toUnsignedString(peerNonce));
        }
        peerNonce = nonce;
    }

    /**
     * The handshake is done on our side: {@code key} boxes MESSAGEs both ways from now on. The
     * per-direction boxes derive what they need from it here, and the key itself is wiped.
     */
    final void established(byte[] key) {
        try {
            frameUnbox = new CurveFrameUnbox(new MessageBox(key, peerMessagePrefix()), peerNonce);
            frameBox = new CurveFrameBox(new MessageBox(key, ourMessagePrefix()), nextNonce);
        } finally {
            CurveCrypto.wipe(key);
        }
        finished = true;
    }

    /** The handshake ended in failure on our side; later commands are ignored. */
    final void abandon() {
        finished = true;
    }

    final ZmtpVersion peerVersion() {
        return peerVersion;
    }

    /** The MESSAGE opener for the frame decoder; it takes it over, this mechanism forgets it. */
    @Override
    public final FrameUnbox frameUnbox() {
        if (frameUnbox == null) {
            throw new IllegalStateException("the CURVE handshake is not complete, or its unbox was taken");
        }
        CurveFrameUnbox unbox = frameUnbox;
        frameUnbox = null;
        return unbox;
    }

    /** The MESSAGE box for the frame encoder; it takes it over, this mechanism forgets it. */
    @Override
    public final FrameBox frameBox() {
        if (frameBox == null) {
            throw new IllegalStateException("the CURVE handshake is not complete, or its box was taken");
        }
        CurveFrameBox box = frameBox;
        frameBox = null;
        return box;
    }

    /** Opens a box from the peer, or fails the handshake with {@code failure} as the detail. */
    static byte[] open(byte[] key, byte[] nonce, byte[] in, int offset, int length, String failure) {
        try {
            return CryptoBox.open(key, nonce, in, offset, length);
        } catch (CryptoBox.AuthenticationException e) {
            throw new ZmtpProtocolException(failure);
        }
    }

    /** {@link CryptoBox#beforenm}, turning a low-order peer key into a protocol error. */
    static byte[] precompute(byte[] theirPublic, byte[] mySecret, String whose) {
        try {
            return CryptoBox.beforenm(theirPublic, mySecret);
        } catch (IllegalArgumentException e) {
            throw new ZmtpProtocolException("CURVE: " + whose + " is unusable: " + e.getMessage());
        }
    }

    static byte[] encode(Metadata metadata) {
        ByteBuf buf = Unpooled.buffer(metadata.encodedLength());
        try {
            metadata.encode(buf);
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }

    static Metadata decodeMetadata(byte[] plaintext, int offset) {
        ByteBuf in = Unpooled.wrappedBuffer(plaintext, offset, plaintext.length - offset);
        try {
            return Metadata.decode(in);
        } finally {
            in.release();
        }
    }

    static void expect(String actual, String expected, String role) {
        if (!actual.equals(expected)) {
            throw new ZmtpProtocolException("CURVE " + role + " expected " + expected + " but the peer sent " + actual);
        }
    }
}
