package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.testing.EmbeddedPair;
import io.zmtp.testing.EventRecorder;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two in-memory codec channels joined by a wire that records every frame after the greeting and
 * can rewrite, drop or repeat frames on their way. When one side closes, the other sees the
 * connection end once it has received what was sent before, as over TCP.
 */
final class TappedPair implements AutoCloseable {
    /** One frame as it went over the wire. */
    record Frame(int flags, byte[] body) {
        boolean isCommand() {
            return (flags & 0x04) != 0;
        }

        /** Header and body, as on the wire. */
        byte[] wire() {
            return frame(flags, body);
        }

        String commandName() {
            return new String(body, 1, body[0] & 0xFF, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** Decides what reaches the other side in place of frame number {@code index} (0 = first after the greeting). */
    interface Tamper {
        List<byte[]> apply(int index, Frame frame);
    }

    final EmbeddedChannel client;
    final EmbeddedChannel server;
    final Direction toServer;
    final Direction toClient;

    TappedPair(ZmtpConfig clientConfig, ZmtpConfig serverConfig) {
        client = EmbeddedPair.channel(clientConfig);
        server = EmbeddedPair.channel(serverConfig);
        toServer = new Direction(client, server);
        toClient = new Direction(server, client);
    }

    EventRecorder events(EmbeddedChannel ch) {
        return EmbeddedPair.recorder(ch);
    }

    /** Moves bytes both ways until neither side has anything more to say. */
    void pump() {
        boolean progress = true;
        while (progress) {
            progress = toServer.move() | toClient.move();
        }
    }

    static byte[] frame(int flags, byte[] body) {
        if (body.length > 255) {
            return ByteBuffer.allocate(9 + body.length).put((byte) (flags | 0x02)).putLong(body.length).put(body).array();
        }
        return ByteBuffer.allocate(2 + body.length).put((byte) (flags & ~0x02)).put((byte) body.length).put(body).array();
    }

    final class Direction {
        private final EmbeddedChannel from;
        private final EmbeddedChannel to;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private int greetingLeft = 64;
        private boolean closedTo;
        final List<Frame> frames = new ArrayList<>();
        Tamper tamper = (i, f) -> List.of(f.wire());

        private Direction(EmbeddedChannel from, EmbeddedChannel to) {
            this.from = from;
            this.to = to;
        }

        private boolean move() {
            from.runPendingTasks();
            boolean progress = false;
            ByteBuf out;
            while ((out = from.readOutbound()) != null) {
                byte[] bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                out.release();
                pending.writeBytes(bytes);
                progress = true;
            }
            byte[] buf = pending.toByteArray();
            int pos = 0;
            List<byte[]> deliver = new ArrayList<>();
            if (greetingLeft > 0 && buf.length > 0) {
                int n = Math.min(greetingLeft, buf.length);
                deliver.add(Arrays.copyOfRange(buf, 0, n));
                greetingLeft -= n;
                pos = n;
            }
            while (greetingLeft == 0 && buf.length - pos >= 2) {
                int flags = buf[pos] & 0xFF;
                boolean isLong = (flags & 0x02) != 0;
                int header = isLong ? 9 : 2;
                if (buf.length - pos < header) {
                    break;
                }
                long size = isLong ? ByteBuffer.wrap(buf, pos + 1, 8).getLong() : buf[pos + 1] & 0xFF;
                if (buf.length - pos - header < size) {
                    break;
                }
                Frame f = new Frame(flags, Arrays.copyOfRange(buf, pos + header, pos + header + (int) size));
                deliver.addAll(tamper.apply(frames.size(), f));
                frames.add(f);
                pos += header + (int) size;
            }
            pending.reset();
            pending.write(buf, pos, buf.length - pos);
            for (byte[] d : deliver) {
                if (to.isActive()) {
                    to.writeInbound(Unpooled.wrappedBuffer(d));
                }
            }
            if (!from.isActive() && to.isActive() && !closedTo) {
                closedTo = true;
                to.close();
                progress = true;
            }
            return progress;
        }

        /** The frames after the greeting that were commands, by name. */
        List<String> commandNames() {
            List<String> names = new ArrayList<>();
            for (Frame f : frames) {
                if (f.isCommand()) {
                    names.add(f.commandName());
                }
            }
            return names;
        }
    }

    @Override
    public void close() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }
}
