package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.ZmtpMessage;

/**
 * What a socket type (a {@link Socket} subclass, in any package) may do to messages beyond the
 * application's methods: turn them into the codec's and back, and change or drop messages it took
 * from a send (the application's methods refuse those: they are sent). Socket types import these
 * statically.
 */
public final class SocketTypeSupport {
    private SocketTypeSupport() {
    }

    /** The codec's view of a message the socket routes (the same object). */
    public static ZmtpMessage toWire(Message message) {
        return message.toZmtp();
    }

    /** The application's message for one the socket received. */
    public static Message fromWire(ZmtpMessage message) {
        return Message.fromZmtp(message);
    }

    /**
     * The same, on {@code socket}'s loop: when a new object is needed, one its application gave
     * back is reused (see {@link Socket#receive(Message)}).
     */
    public static Message fromWire(Socket socket, ZmtpMessage message) {
        return Message.fromZmtp(message, socket.inbound.returned, false);
    }

    /** Puts {@code frame} in front of a message the socket took from a send. */
    public static void pushFrame(Message message, ByteBuf frame) {
        message.frontFrame(frame);
    }

    /** Takes the first frame of a message the socket took from a send; the caller owns it. */
    public static ByteBuf popFrame(Message message) {
        return message.takeFirstFrame();
    }

    /** Gives up a message the socket took from a send and will not deliver (no peer, HWM, no match). */
    public static void discard(Message message) {
        message.discard();
    }

    /** Sets the SERVER routing id of a message the socket received or took from a send. */
    public static void routingId(Message message, int id) {
        message.setRoutingId(id);
    }

    /** The UTF-8 bytes of a message's group (RADIO); not to be changed. */
    public static byte[] groupBytes(Message message) {
        return message.groupBytes();
    }

    /** Sets the group of a message the socket received (DISH). */
    public static void group(Message message, String group) {
        message.setGroup(group);
    }

    /** What the type noted on a message for its reply (REP's envelope, REQ's request generation). */
    public static Object replyTo(Message message) {
        return message.replyTo;
    }

    public static void replyTo(Message message, Object envelope) {
        message.replyTo = envelope;
    }
}
