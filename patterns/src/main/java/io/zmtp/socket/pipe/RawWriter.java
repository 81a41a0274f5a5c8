package io.zmtp.socket.pipe;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Writes bytes to a connection's socket without its event loop, from a thread that holds the loop's
 * permit (see {@link LinkGate}): a non-blocking write system call, as the loop's own flush makes.
 * NIO channels are written through their JDK channel (Netty keeps it protected; reached by a private
 * lookup, which works where Netty is on the class path), epoll channels through their descriptor.
 */
public abstract class RawWriter {
    private static final MethodHandle JAVA_CHANNEL = nioChannelAccessor();

    /** Bytes written from {@code buf} (its reader index moves on); 0 when the socket takes none now. */
    final int write(ByteBuf buf) throws IOException {
        int n = writeReadable(buf);
        if (n > 0) {
            buf.skipBytes(n);
        }
        return n;
    }

    /** One write system call of {@code buf}'s readable bytes; how many it took. */
    abstract int writeReadable(ByteBuf buf) throws IOException;

    /** True when channels of this kind can be written without their loop. */
    public static boolean supportsNio() {
        return JAVA_CHANNEL != null;
    }

    /** A writer for {@code channel}, or null when it cannot be written without its loop. */
    static RawWriter of(Channel channel) {
        if (channel instanceof UnixChannel unix) {
            return new Native(unix.fd());
        }
        if (channel instanceof AbstractNioChannel nio && JAVA_CHANNEL != null) {
            try {
                SelectableChannel jdk = (SelectableChannel) JAVA_CHANNEL.invoke(nio);
                if (jdk instanceof WritableByteChannel w) {
                    return new Nio(w);
                }
            } catch (Throwable e) {
                return null;
            }
        }
        return null;
    }

    private static MethodHandle nioChannelAccessor() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(AbstractNioChannel.class, MethodHandles.lookup());
            return lookup.findVirtual(AbstractNioChannel.class, "javaChannel", MethodType.methodType(SelectableChannel.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static final class Native extends RawWriter {
        private final FileDescriptor fd;

        Native(FileDescriptor fd) {
            this.fd = fd;
        }

        @Override
        int writeReadable(ByteBuf buf) throws IOException {
            int from = buf.readerIndex();
            int to = buf.writerIndex();
            if (buf.hasMemoryAddress()) {
                return fd.writeAddress(buf.memoryAddress(), from, to);
            }
            java.nio.ByteBuffer nio = buf.internalNioBuffer(from, to - from);
            return fd.write(nio, nio.position(), nio.limit());
        }
    }

    private static final class Nio extends RawWriter {
        private final WritableByteChannel channel;

        Nio(WritableByteChannel channel) {
            this.channel = channel;
        }

        @Override
        int writeReadable(ByteBuf buf) throws IOException {
            return channel.write(buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes()));
        }
    }
}
