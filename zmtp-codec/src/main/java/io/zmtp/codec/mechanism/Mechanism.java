package io.zmtp.codec.mechanism;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.zmtp.codec.FrameBox;
import io.zmtp.codec.FrameUnbox;

import java.util.List;

/**
 * One connection's side of a ZMTP security handshake (NULL, PLAIN, CURVE). The handshake
 * handler feeds it the peer's command frames; it answers through its {@link MechanismContext} and
 * ends with {@link MechanismContext#complete} or {@link MechanismContext#fail}. Instances are
 * per connection and used only on the connection's event loop.
 */
public interface Mechanism {
    /** The name in the greeting: {@code NULL}, {@code PLAIN}, {@code CURVE}. */
    String name();

    /** True for the server role (informational: it is sent in the greeting's as-server byte). */
    boolean asServer();

    /** True when this side cannot work without an authenticator (the PLAIN and CURVE servers). */
    default boolean requiresAuthenticator() {
        return false;
    }

    /** Called once the greetings are exchanged: send the first command, if this side speaks first. */
    void start(MechanismContext context);

    /**
     * Handles one command frame body from the peer (not released here; the caller owns it).
     *
     * @throws io.zmtp.codec.ZmtpProtocolException when the command is malformed or unexpected
     */
    void handle(MechanismContext context, ByteBuf command);

    /**
     * Handlers to put between the frame codec and the rest of the pipeline once the handshake is
     * done, for a mechanism that transforms frames in a way {@link #frameUnbox()} and
     * {@link #frameBox()} cannot (messages are then assembled after them). The built-in ones have none.
     */
    default List<ChannelHandler> frameTransformers() {
        return List.of();
    }

    /**
     * For mechanisms that box every outgoing frame once the handshake is done (CURVE's MESSAGE):
     * the box the frame encoder seals each frame with, in its batch buffer. Called once, after
     * {@link #frameTransformers()}; the encoder owns the box from then on. NULL and PLAIN have none.
     */
    default FrameBox frameBox() {
        return null;
    }

    /**
     * For mechanisms that box every incoming frame once the handshake is done (CURVE's MESSAGE):
     * what the frame decoder opens each frame body with, where it lies, before assembling it.
     * Called once, with {@link #frameBox()}; the decoder owns it from then on. NULL and PLAIN have none.
     */
    default FrameUnbox frameUnbox() {
        return null;
    }

    /**
     * The handshake handler is leaving the pipeline, after success, failure or a closed connection:
     * forget (wipe) whatever secrets the handshake still holds, so that they do not wait in the heap
     * for the garbage collector. Commands or authentication answers arriving later are ignored.
     */
    default void close() {
    }

    /**
     * When the peer closes the connection in the middle of the handshake: the likely reason, as far
     * as this side's state tells (e.g. a CURVE server that hangs up after HELLO did not accept our
     * server key), or {@code null} when there is nothing to add.
     */
    default String closeDiagnosis() {
        return null;
    }
}
