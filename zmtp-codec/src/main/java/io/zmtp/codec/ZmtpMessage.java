package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCounted;
import io.netty.util.internal.ObjectUtil;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A multipart ZMTP message: one or more frame bodies that travel and arrive together. It owns its
 * frames' buffers; releasing the message (reference count to zero) gives up its reference to each
 * of them ({@link #releaseFrame}: a plain heap frame nothing else holds is left to the collector).
 *
 * <p>A message is made and dropped for every send and receive, so it is one object: the first
 * frame sits in a field, the others (if any) in an array, and the reference count is a field of its
 * own rather than the separate counter object Netty's {@code AbstractReferenceCounted} allocates.
 * The hot paths use {@link #size()} and {@link #frame(int)} and {@link #transferFrames(Collection)}
 * rather than list views.
 *
 * <p>Open to subclassing so that a layer above can make its own message class the one that travels:
 * the patterns module's {@code Message} is a {@code ZmtpMessage}, so a message goes from the
 * application to the encoder, and from the decoder to the application, without a second object per
 * message. A subclass starts empty and builds its frames with the protected methods; a message made
 * here is never empty and never changes its frames.
 */
public class ZmtpMessage implements ReferenceCounted {
    private static final VarHandle REF_CNT;

    static {
        try {
            REF_CNT = MethodHandles.lookup().findVarHandle(ZmtpMessage.class, "refCnt", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Frame 0; null only in an empty subclass message. */
    private ByteBuf first;
    /** Frames 1..n-1 in {@code more[0..moreCount)}, or null while there are none. */
    private ByteBuf[] more;
    private int moreCount;
    /**
     * Read and changed through {@link #REF_CNT} only. The initial 1 is a plain store: a message
     * reaches another thread through a queue, which publishes it.
     */
    @SuppressWarnings("unused")
    private int refCnt = 1;
    /** Set once the frames were handed to someone else: releasing the message then leaves them alone. */
    private boolean transferred;

    private ZmtpMessage(ByteBuf first, ByteBuf[] more) {
        this.first = first;
        this.more = more;
        this.moreCount = more == null ? 0 : more.length;
    }

    /** An empty message, for a subclass that adds its frames itself. */
    protected ZmtpMessage() {
    }

    private static ZmtpMessage ofArray(ByteBuf[] frames) {
        if (frames.length == 0) {
            throw new IllegalArgumentException("a ZMTP message has at least one frame");
        }
        return new ZmtpMessage(frames[0], frames.length == 1 ? null : Arrays.copyOfRange(frames, 1, frames.length));
    }

    /** A one-frame message that takes ownership of {@code frame}. */
    public static ZmtpMessage of(ByteBuf frame) {
        return new ZmtpMessage(Objects.requireNonNull(frame, "frame"), null);
    }

    /** A message that takes ownership of {@code frames}. */
    public static ZmtpMessage of(List<ByteBuf> frames) {
        int n = frames.size();
        if (n == 0) {
            throw new IllegalArgumentException("a ZMTP message has at least one frame");
        }
        if (n == 1) {
            return of(frames.get(0));
        }
        ByteBuf[] rest = new ByteBuf[n - 1];
        for (int i = 1; i < n; i++) {
            rest[i - 1] = frames.get(i);
        }
        return new ZmtpMessage(frames.get(0), rest);
    }

    /** A message that takes ownership of {@code frames}. */
    public static ZmtpMessage of(ByteBuf... frames) {
        return ofArray(frames);
    }

    /** A message of UTF-8 text frames (copied). */
    public static ZmtpMessage ofStrings(String... frames) {
        ByteBuf[] bufs = new ByteBuf[frames.length];
        for (int i = 0; i < frames.length; i++) {
            bufs[i] = Unpooled.copiedBuffer(frames[i], StandardCharsets.UTF_8);
        }
        return ofArray(bufs);
    }

    /** A message of byte-array frames (copied). */
    public static ZmtpMessage ofBytes(byte[]... frames) {
        ByteBuf[] bufs = new ByteBuf[frames.length];
        for (int i = 0; i < frames.length; i++) {
            bufs[i] = Unpooled.copiedBuffer(frames[i]);
        }
        return ofArray(bufs);
    }

    /**
     * A message sharing this one's frame contents, with its own reference to each (for sending
     * one message to several peers without copying). Release both.
     */
    public ZmtpMessage retainedDuplicateMessage() {
        if (first == null) {
            throw new IllegalStateException("an empty message has nothing to share");
        }
        ByteBuf[] copies = null;
        if (moreCount > 0) {
            copies = new ByteBuf[moreCount];
            for (int i = 0; i < moreCount; i++) {
                copies[i] = more[i].retainedDuplicate();
            }
        }
        return new ZmtpMessage(first.retainedDuplicate(), copies);
    }

    /** The frame bodies, as an unmodifiable view; still owned by this message. */
    public final List<ByteBuf> frames() {
        if (first == null) {
            return List.of();
        }
        if (moreCount == 0) {
            return List.of(first);
        }
        ByteBuf[] all = new ByteBuf[moreCount + 1];
        all[0] = first;
        System.arraycopy(more, 0, all, 1, moreCount);
        return Collections.unmodifiableList(Arrays.asList(all));
    }

    public final int size() {
        return first == null ? 0 : moreCount + 1;
    }

    public final ByteBuf frame(int index) {
        if (index == 0 && first != null) {
            return first;
        }
        if (index < 1 || index > moreCount) {
            throw new IndexOutOfBoundsException("frame " + index + " of a message of " + size());
        }
        return more[index - 1];
    }

    // ------------------------------------------------------------------ for subclasses that build

    /** Adds {@code frame} after the last one; the message owns it from here. */
    protected final void appendFrame(ByteBuf frame) {
        if (first == null) {
            first = frame;
            return;
        }
        roomForOneMore();
        more[moreCount++] = frame;
    }

    /** Puts {@code frame} before the first one; the message owns it from here. */
    protected final void prependFrame(ByteBuf frame) {
        if (first != null) {
            roomForOneMore();
            System.arraycopy(more, 0, more, 1, moreCount);
            more[0] = first;
            moreCount++;
        }
        first = frame;
    }

    /** Takes the first frame out (the caller owns it); the message must not be empty. */
    protected final ByteBuf removeFirstFrame() {
        ByteBuf f = first;
        if (f == null) {
            throw new IllegalStateException("message has no frames to pop");
        }
        if (moreCount == 0) {
            first = null;
        } else {
            first = more[0];
            System.arraycopy(more, 1, more, 0, moreCount - 1);
            more[--moreCount] = null;
        }
        return f;
    }

    /**
     * Takes over every frame of {@code from}, after this message's own, as {@link #transferFrames}
     * hands them (no retain, no release); {@code from} is released. Only its sole holder may do this.
     *
     * @throws IllegalStateException if {@code from} is shared ({@code refCnt() != 1})
     */
    protected final void takeFramesOf(ZmtpMessage from) {
        from.requireSoleHolder();
        if (from.first != null) {
            appendFrame(from.first);
        }
        for (int i = 0; i < from.moreCount; i++) {
            appendFrame(from.more[i]);
        }
        from.giveUp();
    }

    /** Drops the references to the frames without releasing them (after the message released them). */
    protected final void forgetFrames() {
        first = null;
        more = null;
        moreCount = 0;
    }

    /**
     * Makes this an empty message held once, keeping its frame array: for a subclass that reuses
     * its objects rather than making one per message. Only once its frames were taken or released
     * (this drops the references without releasing them) and nothing else can reach it.
     */
    protected final void resetEmpty() {
        first = null;
        if (more != null) {
            Arrays.fill(more, 0, moreCount, null);
        }
        moreCount = 0;
        transferred = false;
        REF_CNT.set(this, 1);
    }

    private void roomForOneMore() {
        if (more == null) {
            more = new ByteBuf[3];
        } else if (moreCount == more.length) {
            more = Arrays.copyOf(more, moreCount * 2);
        }
    }

    /**
     * Moves the frames, in order, into {@code to} and releases this message: the caller owns the
     * frames from here, with the references this message held (no retain, no release). Only the
     * sole holder of the message may do this.
     *
     * @throws IllegalStateException if the message is shared ({@code refCnt() != 1})
     */
    public void transferFrames(Collection<? super ByteBuf> to) {
        requireSoleHolder();
        if (first != null) {
            to.add(first);
        }
        for (int i = 0; i < moreCount; i++) {
            to.add(more[i]);
        }
        giveUp();
    }

    /**
     * The one frame of a one-frame message, handed over as {@link #transferFrames} would (the
     * caller owns it; the message is released) without a collection to put it in.
     *
     * @throws IllegalStateException if the message is shared or has more than one frame
     */
    public ByteBuf transferOnlyFrame() {
        requireSoleHolder();
        if (size() != 1) {
            throw new IllegalStateException("the message has " + size() + " frames, not one");
        }
        giveUp();
        return first;
    }

    private void requireSoleHolder() {
        int c = refCnt();
        if (c != 1) {
            throw new IllegalStateException("cannot take the frames of a message held " + c + " times");
        }
    }

    /**
     * The sole holder gives up its reference after taking the frames: a plain store, not a
     * compare-and-set on a line that, for an inproc message, another core wrote last.
     */
    private void giveUp() {
        transferred = true;
        REF_CNT.setRelease(this, 0);
    }

    /** A copy of frame {@code index}'s bytes. */
    public final byte[] bytes(int index) {
        return ByteBufUtil.getBytes(frame(index));
    }

    /** Frame {@code index} decoded as UTF-8. */
    public final String string(int index) {
        return frame(index).toString(StandardCharsets.UTF_8);
    }

    /** Sum of the frame body lengths. */
    public final long byteSize() {
        if (first == null) {
            return 0;
        }
        long n = first.readableBytes();
        for (int i = 0; i < moreCount; i++) {
            n += more[i].readableBytes();
        }
        return n;
    }

    private void deallocate() {
        if (transferred) {
            return;
        }
        if (first != null) {
            releaseFrame(first);
        }
        for (int i = 0; i < moreCount; i++) {
            releaseFrame(more[i]);
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
    public int refCnt() {
        return (int) REF_CNT.getVolatile(this);
    }

    @Override
    public ZmtpMessage retain() {
        return retain(1);
    }

    @Override
    public ZmtpMessage retain(int increment) {
        ObjectUtil.checkPositive(increment, "increment");
        while (true) {
            int c = refCnt();
            if (c <= 0 || c + increment < c) {
                throw new IllegalReferenceCountException(c, increment);
            }
            if (REF_CNT.compareAndSet(this, c, c + increment)) {
                return this;
            }
        }
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(int decrement) {
        ObjectUtil.checkPositive(decrement, "decrement");
        while (true) {
            int c = refCnt();
            if (c < decrement || c <= 0) {
                throw new IllegalReferenceCountException(c, -decrement);
            }
            if (c == decrement) {
                // The last reference: its holder is the only one who may touch the count, so a
                // store does what a compare-and-set would, without the locked instruction.
                REF_CNT.setRelease(this, 0);
                deallocate();
                return true;
            }
            if (REF_CNT.compareAndSet(this, c, c - decrement)) {
                return false;
            }
        }
    }

    @Override
    public ZmtpMessage touch() {
        return touch(null);
    }

    @Override
    public ZmtpMessage touch(Object hint) {
        if (first != null) {
            first.touch(hint);
        }
        for (int i = 0; i < moreCount; i++) {
            more[i].touch(hint);
        }
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('[');
        for (int i = 0, n = size(); i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(frame(i).readableBytes()).append('B');
        }
        return sb.append(']').toString();
    }
}
