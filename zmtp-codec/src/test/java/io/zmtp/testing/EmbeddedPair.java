package io.zmtp.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AttributeKey;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpPipeline;

/**
 * Two in-memory channels with the ZMTP codec, wired back to back: {@link #pump()} moves every byte
 * each side wrote to the other until both are quiet. Lets handshake tests run without sockets and
 * without threads.
 */
public final class EmbeddedPair implements AutoCloseable {
    private static final AttributeKey<EventRecorder> RECORDER = AttributeKey.valueOf(EventRecorder.class, "recorder");

    public final EmbeddedChannel a;
    public final EmbeddedChannel b;

    public EmbeddedPair(ZmtpConfig configA, ZmtpConfig configB) {
        this(configA, configB, false);
    }

    private EmbeddedPair(ZmtpConfig configA, ZmtpConfig configB, boolean frozen) {
        this.a = channel(configA, frozen);
        this.b = channel(configB, frozen);
    }

    /**
     * A pair whose clocks stand still from before the codec is installed, so timers the codec
     * starts (the handshake timeout) count from a known instant; move them with advanceTimeBy.
     */
    public static EmbeddedPair withFrozenTime(ZmtpConfig configA, ZmtpConfig configB) {
        return new EmbeddedPair(configA, configB, true);
    }

    /** A channel with the codec and, after it, a handler that keeps inbound messages readable. */
    public static EmbeddedChannel channel(ZmtpConfig config, ChannelHandler... extra) {
        return channel(config, false, extra);
    }

    private static EmbeddedChannel channel(ZmtpConfig config, boolean frozen, ChannelHandler... extra) {
        EmbeddedChannel ch = new EmbeddedChannel();
        if (frozen) {
            ch.freezeTime();
        }
        ZmtpPipeline.install(ch.pipeline(), config);
        EventRecorder recorder = new EventRecorder();
        ch.attr(RECORDER).set(recorder);
        ch.pipeline().addLast(recorder);
        ch.pipeline().addLast(extra);
        return ch;
    }

    /** Moves bytes both ways until neither side has anything to send; returns the bytes moved. */
    public long pump() {
        long moved = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int dir = 0; dir < 2; dir++) {
                EmbeddedChannel from = dir == 0 ? a : b;
                EmbeddedChannel to = dir == 0 ? b : a;
                from.runPendingTasks();
                ByteBuf out;
                while ((out = from.readOutbound()) != null) {
                    moved += out.readableBytes();
                    if (Boolean.getBoolean("pump.debug")) System.err.println("PUMP " + (dir == 0 ? "a->b " : "b->a ") + io.netty.buffer.ByteBufUtil.hexDump(out) + " toActive=" + to.isActive());
                    progress = true;
                    if (to.isActive()) {
                        to.writeInbound(out);
                    } else {
                        out.release();
                    }
                }
            }
        }
        return moved;
    }

    /** The events of {@code ch}, still readable after it closed (and its pipeline emptied). */
    public EventRecorder events(EmbeddedChannel ch) {
        return recorder(ch);
    }

    /** The recorder of a channel made by {@link #channel}. */
    public static EventRecorder recorder(EmbeddedChannel ch) {
        return ch.attr(RECORDER).get();
    }

    @Override
    public void close() {
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }
}
