package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A multipart ZMTP message: one or more frame bodies that travel and arrive together. It owns its
 * frames' buffers; releasing the message (reference count to zero) releases all of them.
 */
public final class ZmtpMessage extends AbstractReferenceCounted {
    private final List<ByteBuf> frames;

    private ZmtpMessage(List<ByteBuf> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a ZMTP message has at least one frame");
        }
        this.frames = frames;
    }

    /** A message that takes ownership of {@code frames}. */
    public static ZmtpMessage of(List<ByteBuf> frames) {
        return new ZmtpMessage(Collections.unmodifiableList(new ArrayList<>(frames)));
    }

    /** A message that takes ownership of {@code frames}. */
    public static ZmtpMessage of(ByteBuf... frames) {
        return of(Arrays.asList(frames));
    }

    /** A message of UTF-8 text frames (copied). */
    public static ZmtpMessage ofStrings(String... frames) {
        List<ByteBuf> bufs = new ArrayList<>(frames.length);
        for (String f : frames) {
            bufs.add(Unpooled.copiedBuffer(f, StandardCharsets.UTF_8));
        }
        return new ZmtpMessage(Collections.unmodifiableList(bufs));
    }

    /** A message of byte-array frames (copied). */
    public static ZmtpMessage ofBytes(byte[]... frames) {
        List<ByteBuf> bufs = new ArrayList<>(frames.length);
        for (byte[] f : frames) {
            bufs.add(Unpooled.copiedBuffer(f));
        }
        return new ZmtpMessage(Collections.unmodifiableList(bufs));
    }

    /**
     * A message sharing this one's frame contents, with its own reference to each (for sending
     * one message to several peers without copying). Release both.
     */
    public ZmtpMessage retainedDuplicateMessage() {
        List<ByteBuf> copies = new ArrayList<>(frames.size());
        for (ByteBuf f : frames) {
            copies.add(f.retainedDuplicate());
        }
        return new ZmtpMessage(Collections.unmodifiableList(copies));
    }

    /** The frame bodies; still owned by this message. */
    public List<ByteBuf> frames() {
        return frames;
    }

    public int size() {
        return frames.size();
    }

    public ByteBuf frame(int index) {
        return frames.get(index);
    }

    /** A copy of frame {@code index}'s bytes. */
    public byte[] bytes(int index) {
        return ByteBufUtil.getBytes(frames.get(index));
    }

    /** Frame {@code index} decoded as UTF-8. */
    public String string(int index) {
        return frames.get(index).toString(StandardCharsets.UTF_8);
    }

    /** Sum of the frame body lengths. */
    public long byteSize() {
        long n = 0;
        for (ByteBuf f : frames) {
            n += f.readableBytes();
        }
        return n;
    }

    @Override
    protected void deallocate() {
        for (ByteBuf f : frames) {
            f.release();
        }
    }

    @Override
    public ZmtpMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public ZmtpMessage retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        for (ByteBuf f : frames) {
            f.touch(hint);
        }
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ZmtpMessage[");
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(frames.get(i).readableBytes()).append('B');
        }
        return sb.append(']').toString();
    }
}
