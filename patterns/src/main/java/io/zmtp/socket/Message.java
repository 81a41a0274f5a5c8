package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.ZmtpMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A multipart message as the application sends and receives it. It owns its frames' buffers:
 * {@code send} hands them to the socket, {@code receive} hands them to the caller, who closes the
 * message when done. The String and byte[] helpers copy. Not thread-safe; one owner at a time.
 *
 * <p>It is the codec's {@link ZmtpMessage} itself, not a wrapper of one: a sent message goes to the
 * encoder (or across an inproc link) as it is, and a message the decoder reads is made as a
 * {@code Message} at once, so the library adds no object per message to the caller's. Once sent,
 * the message belongs to the socket: changing or sending it again throws, and closing it does
 * nothing (a try-with-resources around a send is safe).
 */
public final class Message extends ZmtpMessage implements AutoCloseable {
    /** The caller gave it to a socket: from here the socket's, and {@link #close()} leaves it alone. */
    private boolean sent;
    private boolean closed;
    /** Made by the decoder for this socket and not yet seen by anyone: the receiver may take it as it is. */
    private boolean fresh;
    /** For REP: the envelope of the request this message answers, and where it came from. */
    Object replyTo;
    /** Set when the socket type already saw this message on its way to an asynchronous receiver. */
    boolean accepted;
    /** The sending peer's authenticated user id (ZAP's User-Id); "" for NULL or a local message. */
    String userId = "";

    /**
     * The User-Id property: who the authenticator said the sending peer is (the PLAIN username by
     * default; "" with the NULL mechanism, and for messages the application made).
     */
    public String userId() {
        return userId;
    }

    public Message() {
    }

    /** A message of UTF-8 text frames. */
    public static Message of(String... frames) {
        Message m = new Message();
        for (String f : frames) {
            m.add(f);
        }
        return m;
    }

    /** A message of byte-array frames (copied). */
    public static Message of(byte[]... frames) {
        Message m = new Message();
        for (byte[] f : frames) {
            m.add(f);
        }
        return m;
    }

    /** A one-frame message that takes ownership of {@code frame}. */
    public static Message of(ByteBuf frame) {
        return new Message().add(frame);
    }

    /** A message that takes ownership of {@code frames}. */
    public static Message of(ByteBuf... frames) {
        Message m = new Message();
        for (ByteBuf f : frames) {
            m.add(f);
        }
        return m;
    }

    /** A message that takes ownership of {@code frames}. */
    public static Message of(List<ByteBuf> frames) {
        return wrap(frames);
    }

    /** A message of UTF-8 text frames (as {@link #of(String...)}). */
    public static Message ofStrings(String... frames) {
        return of(frames);
    }

    /** A message of byte-array frames, copied (as {@link #of(byte[]...)}). */
    public static Message ofBytes(byte[]... frames) {
        return of(frames);
    }

    /** A message that takes ownership of {@code frames}. */
    public static Message wrap(List<ByteBuf> frames) {
        Message m = new Message();
        for (ByteBuf f : frames) {
            m.add(f);
        }
        return m;
    }

    /** What a socket's decoder makes of a one-frame body: a message only the receiving socket has seen. */
    static Message received(ByteBuf frame) {
        Message m = new Message();
        m.appendFrame(frame);
        m.fresh = true;
        return m;
    }

    /** The same for several frames (the list is not kept). */
    static Message received(List<ByteBuf> frames) {
        Message m = new Message();
        for (int i = 0, n = frames.size(); i < n; i++) {
            m.appendFrame(frames.get(i));
        }
        m.fresh = true;
        return m;
    }

    /**
     * The message the application gets for {@code zm}: {@code zm} itself when the decoder made it
     * for this socket and nobody else holds it; otherwise a new message that takes over its frames
     * (no copy: a message a sender still holds, e.g. across an inproc link, or one shared between
     * several receivers, whose frames each get their own reference).
     */
    static Message fromZmtp(ZmtpMessage zm) {
        if (zm instanceof Message m && m.fresh && m.refCnt() == 1) {
            m.fresh = false;
            return m;
        }
        Message m = new Message();
        if (zm.refCnt() == 1) {
            m.takeFramesOf(zm);
        } else {
            for (int i = 0, n = zm.size(); i < n; i++) {
                m.appendFrame(zm.frame(i).retain());
            }
            zm.release();
        }
        return m;
    }

    /** The message as the wire carries it: itself (no copy, no new object). Must not be empty. */
    ZmtpMessage toZmtp() {
        if (closed) {
            throw new IllegalStateException("message was already closed");
        }
        if (isEmpty()) {
            throw new IllegalArgumentException("a ZMTP message has at least one frame");
        }
        if (!sent) {
            // Usually set already, by the send on the caller's thread: no second store from the loop.
            sent = true;
        }
        return this;
    }

    /**
     * The caller gives the message to a socket (its send went through): from here on it belongs to
     * the socket ({@link #checkSendable} was asked before anything was queued).
     */
    void handOver() {
        sent = true;
    }

    /** Throws unless the message may be given to a socket: not sent already, not closed. */
    void checkSendable() {
        ensureOpen();
    }

    /** Library side: puts a frame in front of a message the socket took (REP's envelope). */
    void frontFrame(ByteBuf frame) {
        prependFrame(Objects.requireNonNull(frame, "frame"));
    }

    /** Library side: takes the first frame of a message the socket took (ROUTER's routing id). */
    ByteBuf takeFirstFrame() {
        return removeFirstFrame();
    }

    /** Library side: gives up the socket's reference to a message it took and will not deliver. */
    void discard() {
        closed = true;
        if (refCnt() > 0) {
            release();
        }
    }

    /** Appends a UTF-8 text frame. */
    public Message add(String frame) {
        return add(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8));
    }

    /** Appends a frame with a copy of {@code frame}. */
    public Message add(byte[] frame) {
        return add(Unpooled.copiedBuffer(frame));
    }

    /** Appends a frame, taking ownership of {@code frame}. */
    public Message add(ByteBuf frame) {
        ensureOpen();
        appendFrame(Objects.requireNonNull(frame, "frame"));
        return this;
    }

    /** Puts a frame in front (taking ownership), e.g. a routing id. */
    public Message push(ByteBuf frame) {
        ensureOpen();
        prependFrame(Objects.requireNonNull(frame, "frame"));
        return this;
    }

    /** Puts a frame with a copy of {@code frame} in front. */
    public Message push(byte[] frame) {
        return push(Unpooled.copiedBuffer(frame));
    }

    /** Removes and returns the first frame; the caller owns it. */
    public ByteBuf pop() {
        ensureOpen();
        return removeFirstFrame();
    }

    /** Removes the first frame and returns a copy of its bytes. */
    public byte[] popBytes() {
        ByteBuf f = pop();
        try {
            return ByteBufUtil.getBytes(f);
        } finally {
            f.release();
        }
    }

    /** Removes the first frame and returns it as UTF-8 text. */
    public String popString() {
        ByteBuf f = pop();
        try {
            return f.toString(StandardCharsets.UTF_8);
        } finally {
            f.release();
        }
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** All frames as UTF-8 text. */
    public List<String> strings() {
        int n = size();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(frame(i).toString(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Releases the frames. Idempotent, and nothing at all once the message was sent (it is the
     * socket's then). A plain heap frame that nothing else holds (what {@code Unpooled.wrappedBuffer}
     * of an array makes, and what the socket copies small received bodies into) is left to the
     * garbage collector instead ({@link ZmtpMessage#releaseFrame}).
     */
    @Override
    public void close() {
        if (closed || sent) {
            return;
        }
        closed = true;
        if (refCnt() > 0 && release()) {
            // Released frames are nobody's to read: the message is empty from here, as a new one is.
            forgetFrames();
        }
    }

    private void ensureOpen() {
        if (sent || closed) {
            throw new IllegalStateException("message was already sent or closed");
        }
    }
}
