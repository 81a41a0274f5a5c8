package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.ZmtpMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A multipart message as the application sends and receives it. It owns its frames' buffers:
 * {@code send} hands them to the socket, {@code receive} hands them to the caller, who closes the
 * message when done. The String and byte[] helpers copy. Not thread-safe; one owner at a time.
 */
public final class Message implements AutoCloseable {
    /**
     * The frames: a message of at most one frame (the common case, made and dropped for every send
     * and receive) keeps it in {@link #only} and has no list; from the second frame on all of them
     * are in {@link #list}, which then stays.
     */
    private ByteBuf only;
    private ArrayList<ByteBuf> list;
    private boolean released;
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

    private Message(ByteBuf only) {
        this.only = only;
    }

    private Message(ArrayList<ByteBuf> frames) {
        this.list = frames;
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

    /** A message that takes ownership of {@code frames}. */
    public static Message wrap(List<ByteBuf> frames) {
        return new Message(new ArrayList<>(frames));
    }

    /** Takes over the frames of a decoded codec message (no copy); the codec message is released. */
    static Message fromZmtp(ZmtpMessage zm) {
        if (zm.size() == 1) {
            if (zm.refCnt() == 1) {
                return new Message(zm.transferOnlyFrame());
            }
            ByteBuf f = zm.frame(0).retain();
            zm.release();
            return new Message(f);
        }
        ArrayList<ByteBuf> frames = new ArrayList<>(Math.max(zm.size(), 2));
        if (zm.refCnt() == 1) {
            zm.transferFrames(frames);
        } else {
            for (int i = 0; i < zm.size(); i++) {
                frames.add(zm.frame(i).retain());
            }
            zm.release();
        }
        return new Message(frames);
    }

    /** Hands the frames to a codec message (no copy); this message is left empty. */
    ZmtpMessage toZmtp() {
        ensureOpen();
        if (isEmpty()) {
            throw new IllegalArgumentException("a ZMTP message has at least one frame");
        }
        ZmtpMessage zm;
        if (list != null) {
            zm = ZmtpMessage.of(list);
            list.clear();
        } else {
            zm = ZmtpMessage.of(only);
            only = null;
        }
        released = true;
        return zm;
    }

    public Message add(String frame) {
        return add(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8));
    }

    public Message add(byte[] frame) {
        return add(Unpooled.copiedBuffer(frame));
    }

    /** Appends a frame, taking ownership of {@code frame}. */
    public Message add(ByteBuf frame) {
        ensureOpen();
        Objects.requireNonNull(frame, "frame");
        if (list != null) {
            list.add(frame);
        } else if (only == null) {
            only = frame;
        } else {
            list = new ArrayList<>(4);
            list.add(only);
            list.add(frame);
            only = null;
        }
        return this;
    }

    /** Puts a frame in front (taking ownership), e.g. a routing id. */
    public Message push(ByteBuf frame) {
        ensureOpen();
        Objects.requireNonNull(frame, "frame");
        if (list == null && only == null) {
            only = frame;
            return this;
        }
        toList().add(0, frame);
        return this;
    }

    /** The frames as the list, making it from the one frame if needed. */
    private ArrayList<ByteBuf> toList() {
        if (list == null) {
            list = new ArrayList<>(4);
            if (only != null) {
                list.add(only);
                only = null;
            }
        }
        return list;
    }

    public Message push(byte[] frame) {
        return push(Unpooled.copiedBuffer(frame));
    }

    /** Removes and returns the first frame; the caller owns it. */
    public ByteBuf pop() {
        ensureOpen();
        if (isEmpty()) {
            throw new IllegalStateException("message has no frames to pop");
        }
        if (list != null) {
            return list.remove(0);
        }
        ByteBuf f = only;
        only = null;
        return f;
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

    public int size() {
        return list != null ? list.size() : only == null ? 0 : 1;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Frame {@code index}, still owned by this message. */
    public ByteBuf frame(int index) {
        if (list != null) {
            return list.get(index);
        }
        if (index != 0 || only == null) {
            throw new IndexOutOfBoundsException("frame " + index + " of a message of " + size());
        }
        return only;
    }

    public List<ByteBuf> frames() {
        if (list != null) {
            return Collections.unmodifiableList(list);
        }
        return only == null ? List.of() : List.of(only);
    }

    public byte[] bytes(int index) {
        return ByteBufUtil.getBytes(frame(index));
    }

    public String string(int index) {
        return frame(index).toString(StandardCharsets.UTF_8);
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

    public long byteSize() {
        if (list == null) {
            return only == null ? 0 : only.readableBytes();
        }
        long n = 0;
        for (ByteBuf f : list) {
            n += f.readableBytes();
        }
        return n;
    }

    /**
     * Releases the frames. Idempotent. A plain heap frame that nothing else holds (what
     * {@code Unpooled.wrappedBuffer} of an array makes, and what the socket copies small received
     * bodies into) is left to the garbage collector instead ({@link ZmtpMessage#releaseFrame}).
     */
    @Override
    public void close() {
        if (!released) {
            released = true;
            if (list != null) {
                for (ByteBuf f : list) {
                    ZmtpMessage.releaseFrame(f);
                }
                list.clear();
            } else if (only != null) {
                ZmtpMessage.releaseFrame(only);
                only = null;
            }
        }
    }

    private void ensureOpen() {
        if (released) {
            throw new IllegalStateException("message was already sent or closed");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Message[");
        for (int i = 0, n = size(); i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(frame(i).readableBytes()).append('B');
        }
        return sb.append(']').toString();
    }
}
