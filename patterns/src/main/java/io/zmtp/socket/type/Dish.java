package io.zmtp.socket.type;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Join;
import io.zmtp.codec.command.Leave;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * DISH (RFC 48, libzmq's draft API): receives, fair-queued, the messages its RADIO peers send to the
 * groups it {@link #join joined}, each with its group ({@link Message#group()}). Joining sends JOIN
 * to every RADIO (and again on every reconnect), leaving sends LEAVE; messages of other groups are
 * dropped here too, and once {@link #leave} returned no message of that group is received. Any
 * number of threads may receive, join and leave at once. Cannot send.
 */
public final class Dish extends Socket {
    /** What the application joined: checked on its threads, as libzmq checks a join or leave at once. */
    private final Set<String> joined = ConcurrentHashMap.newKeySet();
    /** What the RADIOs were told, and what is let through: loop only. */
    private final Set<String> announced = new HashSet<>();

    public Dish(ZmtpContext context) {
        super(context, SocketType.DISH);
    }

    /**
     * Joins {@code group} (at most 255 bytes of UTF-8). Throws {@link IllegalArgumentException} for a
     * group too long or already joined, as libzmq's {@code zmq_join} fails with EINVAL.
     */
    public void join(String group) {
        checkOpen();
        byte[] bytes = groupBytes(group);
        if (!joined.add(group)) {
            throw new IllegalArgumentException("DISH: group '" + group + "' is joined already");
        }
        runOnLoop(() -> {
            if (announced.add(group)) {
                for (Pipe p : pipes()) {
                    p.writeCommand(new Join(bytes));
                }
                flushPipes();
            }
        });
    }

    /** Leaves {@code group}; throws {@link IllegalArgumentException} when it was not joined. */
    public void leave(String group) {
        checkOpen();
        byte[] bytes = groupBytes(group);
        if (!joined.remove(group)) {
            throw new IllegalArgumentException("DISH: group '" + group + "' is not joined");
        }
        runOnLoop(() -> {
            if (announced.remove(group)) {
                for (Pipe p : pipes()) {
                    p.writeCommand(new Leave(bytes));
                }
                flushPipes();
            }
        });
    }

    private static byte[] groupBytes(String group) {
        byte[] bytes = group.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Join.MAX_GROUP) {
            throw new IllegalArgumentException("DISH: a group has at most " + Join.MAX_GROUP + " bytes of UTF-8, got "
                    + bytes.length);
        }
        return bytes;
    }

    @Override
    protected void attach(Pipe pipe) {
    }

    @Override
    protected void detach(Pipe pipe) {
    }

    @Override
    protected void connected(Pipe pipe) {
        for (String group : announced) {
            pipe.writeCommand(new Join(group.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The application's thread: a message of a group left since it arrived is not returned (as in libzmq). */
    @Override
    protected Message acceptReceived(Message message) {
        if (!joined.contains(message.group())) {
            message.close();
            return null;
        }
        return message;
    }

    @Override
    protected void checkSend(Message message) {
        throw new UnsupportedOperationException("a DISH socket cannot send; use join()");
    }

    @Override
    protected boolean route(Message message) {
        discard(message);
        return true;
    }

    /**
     * A RADIO's message is two frames, the group and the body; anything else is dropped (libzmq
     * drops the connection instead), as is a group not joined.
     */
    @Override
    protected Message accept(Pipe pipe, ZmtpMessage message) {
        if (message.size() != 2 || message.frame(0).readableBytes() > Join.MAX_GROUP) {
            message.release();
            return null;
        }
        ByteBuf groupFrame = message.frame(0);
        String group = groupFrame.toString(StandardCharsets.UTF_8);
        if (!announced.contains(group)) {
            message.release();
            return null;
        }
        Message m = fromWire(this, message);
        popFrame(m).release();
        group(m, group);
        return m;
    }
}
