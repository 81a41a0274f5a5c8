package io.zmtp.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes fuzz seeds into Jazzer's inputs directories
 * ({@code src/test/resources/<package>/<Class>Inputs/<method>/}) and captures what the codec
 * sends, for seeds made of real exchanges.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {
    }

    private static final Path RESOURCES = Path.of("src/test/resources");

    /** Writes {@code bytes} as seed {@code name} of {@code target}'s fuzz method {@code method}. */
    public static void seed(Class<?> target, String method, String name, byte[] bytes) throws IOException {
        seed(target.getName(), method, name, bytes);
    }

    /** As above, for a target class named {@code className} (fully qualified). */
    public static void seed(String className, String method, String name, byte[] bytes) throws IOException {
        int dot = className.lastIndexOf('.');
        Path dir = RESOURCES.resolve(className.substring(0, dot).replace('.', '/'))
                .resolve(className.substring(dot + 1) + "Inputs").resolve(method);
        Files.createDirectories(dir);
        Files.write(dir.resolve("seed-" + name), bytes);
    }

    /** The bytes {@code encoder} (on a channel of its own, finished here) writes for {@code messages}. */
    public static byte[] encoded(FrameEncoder encoder, Object... messages) {
        EmbeddedChannel enc = new EmbeddedChannel(encoder);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object m : messages) {
            enc.writeOutbound(m);
        }
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        enc.finishAndReleaseAll();
        return out.toByteArray();
    }

    /** A peer-stream seed for each read size worth trying: one read, byte by byte, 7-byte reads. */
    public static void streamSeeds(Class<?> target, String method, String name, byte[] stream) throws IOException {
        for (int readSize : new int[] {0, 1, 7}) {
            byte[] input = new byte[stream.length + 1];
            input[0] = (byte) readSize;
            System.arraycopy(stream, 0, input, 1, stream.length);
            seed(target, method, name + "-reads-" + readSize, input);
        }
    }

    /**
     * The bytes {@code peer} sends to {@code target} in a handshake between the two, then while
     * sending {@code afterwards}.
     */
    public static byte[] capture(ZmtpConfig peer, ZmtpConfig target, ZmtpMessage... afterwards) {
        EmbeddedChannel a = EmbeddedPair.channel(peer);
        EmbeddedChannel b = EmbeddedPair.channel(target);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try {
            pump(a, b, sent);
            for (ZmtpMessage m : afterwards) {
                a.write(m);
            }
            a.flush();
            pump(a, b, sent);
            return sent.toByteArray();
        } finally {
            drain(a);
            drain(b);
        }
    }

    private static void pump(EmbeddedChannel a, EmbeddedChannel b, ByteArrayOutputStream recordAtoB) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (int dir = 0; dir < 2; dir++) {
                EmbeddedChannel from = dir == 0 ? a : b;
                EmbeddedChannel to = dir == 0 ? b : a;
                from.runPendingTasks();
                ByteBuf out;
                while ((out = from.readOutbound()) != null) {
                    moved = true;
                    if (dir == 0) {
                        recordAtoB.writeBytes(ByteBufUtil.getBytes(out));
                    }
                    if (to.isActive()) {
                        to.writeInbound(out);
                    } else {
                        out.release();
                    }
                }
            }
        }
    }

    private static void drain(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readInbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        ch.finishAndReleaseAll();
    }

}
