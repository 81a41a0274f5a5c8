package io.zmtp.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpPipeline;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.curve.CurveMechanism;
import io.zmtp.codec.handshake.HandshakeCompleted;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The CURVE steady state of the codec, after a real handshake between two {@link EmbeddedChannel}s:
 * {@link #seal} boxes {@value #BATCH} one-frame messages in one flush (what a busy sender does; the
 * wire bytes are dropped), {@link #sealAndOpen} also hands those bytes to the peer, which opens
 * them into messages (both directions' work; per message); both write as a socket does (no promise
 * per message), and {@link #messageOnly} makes and drops the same messages. With {@code -prof gc} this is the
 * allocation profile of the CURVE path: the only objects per message should be the message the
 * benchmark makes and the one the receiver delivers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CurveBenchmark {
    static final int BATCH = 64;

    @Param({"16", "1024"})
    public int size;

    private EmbeddedChannel client;
    private EmbeddedChannel server;
    private ByteBuf payload;

    @Setup
    public void setUp() {
        CurveKeyPair serverKeys = CurveKeyPair.generate();
        CurveKeyPair clientKeys = CurveKeyPair.generate();
        server = channel(ZmtpConfig.builder(SocketType.PULL).mechanism(() -> CurveMechanism.server(serverKeys)).build());
        client = channel(ZmtpConfig.builder(SocketType.PUSH)
                .mechanism(() -> CurveMechanism.client(serverKeys.publicKey(), clientKeys)).build());
        for (int i = 0; i < 100 && !(ready(client) && ready(server)); i++) {
            move(client, server);
            move(server, client);
        }
        if (!(ready(client) && ready(server))) {
            throw new IllegalStateException("the CURVE handshake did not complete");
        }
        payload = Codec.payload(size);
    }

    @TearDown
    public void tearDown() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
        payload.release();
    }

    /**
     * Makes and releases the messages {@link #seal} writes, without writing them: the allocation of
     * {@link #seal} less this one is the CURVE write path's own.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int messageOnly(org.openjdk.jmh.infra.Blackhole sink) {
        return Codec.messagesOnly(payload, BATCH, sink);
    }

    /** Boxes {@value #BATCH} messages and flushes once; the time is per message. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long seal() {
        for (int i = 0; i < BATCH; i++) {
            client.write(Codec.message(payload, 1), client.voidPromise());
        }
        client.flush();
        return Codec.drainOutbound(client);
    }

    /** Boxes {@value #BATCH} messages, and the peer opens them; the time is per message, both sides. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long sealAndOpen() {
        for (int i = 0; i < BATCH; i++) {
            client.write(Codec.message(payload, 1), client.voidPromise());
        }
        client.flush();
        move(client, server);
        return Codec.drainInbound(server);
    }

    private static EmbeddedChannel channel(ZmtpConfig config) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ZmtpPipeline.install(ch.pipeline(), config);
        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof HandshakeCompleted) {
                    ctx.channel().attr(READY).set(Boolean.TRUE);
                }
                ReferenceCountUtil.release(evt);
            }
        });
        return ch;
    }

    private static final io.netty.util.AttributeKey<Boolean> READY =
            io.netty.util.AttributeKey.valueOf(CurveBenchmark.class, "ready");

    private static boolean ready(EmbeddedChannel ch) {
        return Boolean.TRUE.equals(ch.attr(READY).get());
    }

    /** Hands everything {@code from} wrote to {@code to} as reads. */
    private static void move(EmbeddedChannel from, EmbeddedChannel to) {
        from.runPendingTasks();
        for (Object o = from.readOutbound(); o != null; o = from.readOutbound()) {
            to.writeInbound(o);
        }
    }
}
