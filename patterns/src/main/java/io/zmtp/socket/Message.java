package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.ZmtpMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A multipart message as the application sends and receives it. It owns its frames' buffers:
 * {@code send} hands them to the socket, {@code receive} hands them to the caller, who closes the
 * message when done. The String and byte[] helpers copy. Not thread-safe; one owner at a time.
 */
public final class Message implements AutoCloseable {
    private final ArrayList<ByteBuf> frames;
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
        this.frames = new ArrayList<>(4);
    }

    private Message(ArrayList<ByteBuf> frames) {
        this.frames = frames;
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
        ZmtpMessage zm = ZmtpMessage.of(frames);
        frames.clear();
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
        frames.add(frame);
        return this;
    }

    /** Puts a frame in front (taking ownership), e.g. a routing id. */
    public Message push(ByteBuf frame) {
        ensureOpen();
        frames.add(0, frame);
        return this;
    }

    public Message push(byte[] frame) {
        return push(Unpooled.copiedBuffer(frame));
    }

    /** Removes and returns the first frame; the caller owns it. */
    public ByteBuf pop() {
        ensureOpen();
        if (frames.isEmpty()) {
            throw new IllegalStateException("message has no frames to pop");
        }
        return frames.remove(0);
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
        return frames.size();
    }

    public boolean isEmpty() {
        return frames.isEmpty();
    }

    /** Frame {@code index}, still owned by this message. */
    public ByteBuf frame(int index) {
        return frames.get(index);
    }

    public List<ByteBuf> frames() {
        return Collections.unmodifiableList(frames);
    }

    public byte[] bytes(int index) {
        return ByteBufUtil.getBytes(frames.get(index));
    }

    public String string(int index) {
        return frames.get(index).toString(StandardCharsets.UTF_8);
    }

    /** All frames as UTF-8 text. */
    public List<String> strings() {
        List<String> out = new ArrayList<>(frames.size());
        for (ByteBuf f : frames) {
            out.add(f.toString(StandardCharsets.UTF_8));
        }
        return out;
    }

    public long byteSize() {
        long n = 0;
        for (ByteBuf f : frames) {
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
            for (ByteBuf f : frames) {
                ZmtpMessage.releaseFrame(f);
            }
            frames.clear();
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
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(frames.get(i).readableBytes()).append('B');
        }
        return sb.append(']').toString();
    }
}
