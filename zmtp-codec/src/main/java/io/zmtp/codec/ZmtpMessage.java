package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * A multipart ZMTP message: one or more frame bodies that travel and arrive together. It owns its
 * frames' buffers; releasing the message (reference count to zero) gives up its reference to each
 * of them ({@link #releaseFrame}: a plain heap frame nothing else holds is left to the collector).
 *
 * <p>The frames sit in a plain array (one object besides the message itself): a message is made and
 * dropped for every send and receive, so the hot paths use {@link #size()} and {@link #frame(int)}
 * and {@link #transferFrames(Collection)} rather than list views.
 */
public final class ZmtpMessage extends AbstractReferenceCounted {
    private final ByteBuf[] frames;
    /** Set once the frames were handed to someone else: releasing the message then leaves them alone. */
    private boolean transferred;

    private ZmtpMessage(ByteBuf[] frames) {
        if (frames.length == 0) {
            throw new IllegalArgumentException("a ZMTP message has at least one frame");
        }
        this.frames = frames;
    }

    /** A one-frame message that takes ownership of {@code frame}. */
    public static ZmtpMessage of(ByteBuf frame) {
        return new ZmtpMessage(new ByteBuf[] {frame});
    }

    /** A message that takes ownership of {@code frames}. */
    public static ZmtpMessage of(List<ByteBuf> frames) {
        int n = frames.size();
        ByteBuf[] copy = new ByteBuf[n];
        for (int i = 0; i < n; i++) {
            copy[i] = frames.get(i);
        }
        return new ZmtpMessage(copy);
    }

    /** A message that takes ownership of {@code frames}. */
    public static ZmtpMessage of(ByteBuf... frames) {
        return new ZmtpMessage(frames.clone());
    }

    /** A message of UTF-8 text frames (copied). */
    public static ZmtpMessage ofStrings(String... frames) {
        ByteBuf[] bufs = new ByteBuf[frames.length];
        for (int i = 0; i < frames.length; i++) {
            bufs[i] = Unpooled.copiedBuffer(frames[i], StandardCharsets.UTF_8);
        }
        return new ZmtpMessage(bufs);
    }

    /** A message of byte-array frames (copied). */
    public static ZmtpMessage ofBytes(byte[]... frames) {
        ByteBuf[] bufs = new ByteBuf[frames.length];
        for (int i = 0; i < frames.length; i++) {
            bufs[i] = Unpooled.copiedBuffer(frames[i]);
        }
        return new ZmtpMessage(bufs);
    }

    /**
     * A message sharing this one's frame contents, with its own reference to each (for sending
     * one message to several peers without copying). Release both.
     */
    public ZmtpMessage retainedDuplicateMessage() {
        ByteBuf[] copies = new ByteBuf[frames.length];
        for (int i = 0; i < frames.length; i++) {
            copies[i] = frames[i].retainedDuplicate();
        }
        return new ZmtpMessage(copies);
    }

    /** The frame bodies, as an unmodifiable view; still owned by this message. */
    public List<ByteBuf> frames() {
        return Collections.unmodifiableList(Arrays.asList(frames));
    }

    public int size() {
        return frames.length;
    }

    public ByteBuf frame(int index) {
        return frames[index];
    }

    /**
     * Moves the frames, in order, into {@code to} and releases this message: the caller owns the
     * frames from here, with the references this message held (no retain, no release). Only the
     * sole holder of the message may do this.
     *
     * @throws IllegalStateException if the message is shared ({@code refCnt() != 1})
     */
    public void transferFrames(Collection<? super ByteBuf> to) {
        if (refCnt() != 1) {
            throw new IllegalStateException("cannot take the frames of a message held " + refCnt() + " times");
        }
        for (ByteBuf f : frames) {
            to.add(f);
        }
        transferred = true;
        // The sole holder gives up its reference: a plain store, not a compare-and-set on a line
        // that, for an inproc message, another core wrote last.
        setRefCnt(0);
    }

    /** A copy of frame {@code index}'s bytes. */
    public byte[] bytes(int index) {
        return ByteBufUtil.getBytes(frames[index]);
    }

    /** Frame {@code index} decoded as UTF-8. */
    public String string(int index) {
        return frames[index].toString(StandardCharsets.UTF_8);
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
        if (transferred) {
            return;
        }
        for (ByteBuf f : frames) {
            releaseFrame(f);
        }
    }

    /**
     * Gives up a reference to a frame, except that a plain heap frame held by nobody else (what
     * {@code Unpooled.wrappedBuffer} or {@code copiedBuffer} of an array makes) is left to the
     * garbage collector: releasing it frees nothing the collector would not, and its reference
     * count's compare-and-set, on a line the thread that made the frame wrote last, was about 6% of
     * a sending event loop's time at 16 B (89 of 1,573 samples) and a third of a receiving thread's
     * at 16 B inproc. Pooled, direct and shared frames are released as always.
     */
    public static void releaseFrame(ByteBuf frame) {
        if (frame.getClass() != UnpooledHeapByteBuf.class || frame.refCnt() != 1) {
            frame.release();
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
        for (int i = 0; i < frames.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(frames[i].readableBytes()).append('B');
        }
        return sb.append(']').toString();
    }
}
