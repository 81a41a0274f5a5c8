package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.zmtp.codec.ZmtpMessage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
    /** The largest body buffer a receive into a message gives back for reuse: bounds what idle objects hold. */
    static final int REUSED_BODY_MAX = 1024;
    /** libzmq 4.3's ZMQ_GROUP_MAX_LENGTH. */
    public static final int MAX_GROUP = 255;

    private static final VarHandle RETURNED;

    static {
        try {
            RETURNED = MethodHandles.lookup().findVarHandle(Message.class, "returned", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
    /** SERVER: the peer a received message came from, or a sent one goes to; 0 for none. */
    private int routingId;
    /** RADIO/DISH: the message's group ("" for none), and its UTF-8 bytes once asked for. */
    private String group = "";
    private byte[] groupBytes;
    /**
     * Set, as the last thing it does, by a receive that moved this message's frames into the
     * application's own message: from then on only the loop may touch this object, and it reuses
     * it ({@link ReturnedMessages}). Read and written through {@link #RETURNED}.
     */
    @SuppressWarnings("unused")
    private boolean returned;
    /** A small plain body buffer the receiver gave back with this object, for the loop's next copy. */
    ByteBuf spare;
    /**
     * An inproc sender's own message, on its way to the receiving thread as itself: the sender may
     * still hold it (its close does nothing, it was sent), so the receiver takes its frames into a
     * message of its own ({@link #adopted}, or its {@code receive(into)} message) rather than
     * handing this object to the application. The receiving socket's loop sets it.
     */
    boolean lent;

    /**
     * The User-Id property: who the authenticator said the sending peer is (the PLAIN username by
     * default; "" with the NULL mechanism, and for messages the application made).
     */
    public String userId() {
        return userId;
    }

    /**
     * The routing id of a SERVER's peer (RFC 41): on a message a SERVER received, the CLIENT it came
     * from; on one a SERVER sends, the CLIENT it goes to (copy it from the request to answer). 0 for
     * none (every other socket type).
     */
    public int routingId() {
        return routingId;
    }

    /** Sets the peer a SERVER sends this message to (see {@link #routingId()}). */
    public Message routingId(int id) {
        ensureOpen();
        this.routingId = id;
        return this;
    }

    /** The socket's own write: no open check (a sent or received message). */
    void setRoutingId(int id) {
        this.routingId = id;
    }

    /**
     * The group of a RADIO's message (RFC 48): a RADIO sends it to the DISH peers that joined this
     * group; a DISH receives it with the group it was sent to. "" when none was set.
     */
    public String group() {
        return group;
    }

    /** Sets the group a RADIO sends this message to: at most 255 bytes of UTF-8, as in libzmq. */
    public Message group(String group) {
        ensureOpen();
        byte[] bytes = group.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_GROUP) {
            throw new IllegalArgumentException("group: at most " + MAX_GROUP + " bytes of UTF-8, got " + bytes.length);
        }
        this.group = group;
        this.groupBytes = bytes;
        return this;
    }

    /** The group's UTF-8 bytes (the socket's: not to be changed). */
    byte[] groupBytes() {
        byte[] b = groupBytes;
        if (b == null) {
            b = group.getBytes(StandardCharsets.UTF_8);
            groupBytes = b;
        }
        return b;
    }

    /** The socket's own write of a received message's group. */
    void setGroup(String group) {
        this.group = group;
        this.groupBytes = null;
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

    /** What a socket's decoder makes of a one-frame body, in {@code m} (empty): a message only the receiving socket has seen. */
    static Message received(Message m, ByteBuf frame) {
        m.appendFrame(frame);
        m.fresh = true;
        return m;
    }

    /** The same for several frames (the list is not kept). */
    static Message received(Message m, List<ByteBuf> frames) {
        for (int i = 0, n = frames.size(); i < n; i++) {
            m.appendFrame(frames.get(i));
        }
        m.fresh = true;
        return m;
    }

    /**
     * The message the application gets for {@code zm}: {@code zm} itself when the decoder made it
     * for this socket and nobody else holds it; otherwise {@code shell} (an empty message) takes
     * over its frames (no copy: a message a sender still holds, e.g. across an inproc link, or one
     * shared between several receivers, whose frames each get their own reference).
     */
    static Message fromZmtp(ZmtpMessage zm, ReturnedMessages shells, boolean mayLend) {
        if (zm instanceof Message m && m.refCnt() == 1) {
            if (m.fresh) {
                m.fresh = false;
                return m;
            }
            if (mayLend && m.sent) {
                // An inproc sender's message: no object is made here, the receiving thread makes
                // the application's (or moves the frames into the one it receives into).
                m.lent = true;
                return m;
            }
        }
        return into(shells == null ? new Message() : shells.take(), zm);
    }

    static Message fromZmtp(ZmtpMessage zm) {
        return fromZmtp(zm, null, false);
    }

    /** Receiving side: the application's message for a {@link #lent} one, taking its frames over. */
    static Message adopted(Message lent) {
        Message m = new Message();
        m.userId = lent.userId;
        m.replyTo = lent.replyTo;
        m.routingId = lent.routingId;
        m.group = lent.group;
        m.takeFramesOf(lent);
        return m;
    }

    private static Message into(Message m, ZmtpMessage zm) {
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

    /** Loop: this object, given back by a receiver, as an empty message to fill (its spare is taken or dropped). */
    void reuse() {
        resetEmpty();
        spare = null;
        RETURNED.set(this, false);
        sent = false;
        closed = false;
        fresh = false;
        replyTo = null;
        accepted = false;
        lent = false;
        userId = "";
        routingId = 0;
        group = "";
        groupBytes = null;
    }

    /** Loop: did a receiver give this object back (see {@link #returned})? */
    boolean isReturned() {
        return (boolean) RETURNED.getAcquire(this);
    }

    /**
     * Application thread, a receive into this message: this message's frames are dropped and
     * {@code from}'s (a message the socket took from its ring) take their place. {@code from}'s
     * object then goes back to the loop, with one small plain body buffer of this message's for
     * the loop to copy a later body into; so a receive into the same message, again and again,
     * makes no new object on either thread. A {@link #lent} message (an inproc sender's) only gives
     * up its frames: it stays its sender's object. True when {@code from} was given back.
     */
    boolean receiveFrom(Message from) {
        if (sent) {
            throw new IllegalStateException("message was sent: it is the socket's now");
        }
        ByteBuf keep = null;
        if (!closed) {
            if (refCnt() != 1) {
                throw new IllegalStateException("cannot receive into a message held " + refCnt() + " times");
            }
            for (int i = 0, n = size(); i < n; i++) {
                ByteBuf f = frame(i);
                if (keep == null && isReusableBody(f)) {
                    keep = f;
                } else {
                    releaseFrame(f);
                }
            }
        }
        resetEmpty();
        closed = false;
        userId = from.userId;
        replyTo = from.replyTo;
        routingId = from.routingId;
        group = from.group;
        groupBytes = null;
        if (from.refCnt() != 1) {
            // Shared (not what a socket's ring holds): this message takes a reference of its own.
            for (int i = 0, n = from.size(); i < n; i++) {
                appendFrame(from.frame(i).retain());
            }
            from.release();
            return false;
        }
        takeFramesOf(from);
        if (from.lent) {
            if (keep != null) {
                releaseFrame(keep);
            }
            return false;
        }
        from.replyTo = null;
        from.spare = keep;
        RETURNED.setRelease(from, true);
        return true;
    }

    /** A frame only its message holds, on a plain array the size of a small body: safe to write again. */
    private static boolean isReusableBody(ByteBuf f) {
        return f.getClass() == UnpooledHeapByteBuf.class && f.refCnt() == 1 && f.capacity() <= REUSED_BODY_MAX;
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

    /** Throws unless a receive may replace this message's frames: not sent, and held once if open. */
    void checkReceivable() {
        if (sent) {
            throw new IllegalStateException("message was sent: it is the socket's now");
        }
        if (!closed && refCnt() != 1) {
            throw new IllegalStateException("cannot receive into a message held " + refCnt() + " times");
        }
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
