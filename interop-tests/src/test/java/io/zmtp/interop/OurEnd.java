package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.HostUnreachableException;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.type.Dish;
import io.zmtp.socket.type.Peer;
import io.zmtp.socket.type.Router;
import io.zmtp.socket.type.Sub;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Our socket as one {@link End} of a matrix connection. Every message it receives is closed here. */
public final class OurEnd implements End {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final List<SocketEvent> events = new CopyOnWriteArrayList<>();

    OurEnd(Socket socket) {
        this.socket = socket;
        socket.addEventListener(events::add);
    }

    public Socket socket() {
        return socket;
    }

    /** Every event the socket reported so far. */
    public List<SocketEvent> events() {
        return events;
    }

    public boolean saw(SocketEvent.Type type) {
        return events.stream().anyMatch(e -> e.type() == type);
    }

    @Override
    public String who() {
        return "ours";
    }

    @Override
    public String type() {
        return socket.type().name();
    }

    @Override
    public String bind(String endpoint) {
        return socket.bind(endpoint);
    }

    @Override
    public void connect(String endpoint) {
        socket.connect(endpoint);
    }

    /**
     * Our message for {@code frames}: a SERVER's first frame is the routing id (4 bytes,
     * big-endian), a RADIO's the group, as every such end here takes them.
     */
    private Message message(List<byte[]> frames) {
        if (socket.type() == SocketType.SERVER || socket.type() == SocketType.PEER) {
            if (frames.size() != 2 || frames.get(0).length != 4) {
                throw new IllegalArgumentException("a SERVER send is [routing id (4 bytes), body]");
            }
            return Message.of(frames.get(1)).routingId(ByteBuffer.wrap(frames.get(0)).getInt());
        }
        if (socket.type() == SocketType.RADIO) {
            if (frames.size() != 2) {
                throw new IllegalArgumentException("a RADIO send is [group, body]");
            }
            return Message.of(frames.get(1)).group(new String(frames.get(0), StandardCharsets.UTF_8));
        }
        return Message.of(frames.toArray(new byte[0][]));
    }

    /** The frames of a received message; a SERVER's with its routing id in front, a DISH's with its group. */
    private List<byte[]> frames(Message m) {
        List<byte[]> frames = new ArrayList<>(m.size() + 1);
        if (socket.type() == SocketType.SERVER || socket.type() == SocketType.PEER) {
            frames.add(ByteBuffer.allocate(4).putInt(m.routingId()).array());
        } else if (socket.type() == SocketType.DISH) {
            frames.add(m.group().getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < m.size(); i++) {
            frames.add(m.bytes(i));
        }
        return frames;
    }

    @Override
    public void send(List<byte[]> frames) {
        Message m = message(frames);
        if (!socket.send(m, SEND_TIMEOUT)) {
            m.close();
            throw new AssertionError("our " + type() + " could not send within " + SEND_TIMEOUT.toMillis() + " ms");
        }
    }

    @Override
    public boolean trySend(List<byte[]> frames) {
        Message m = message(frames);
        try {
            if (socket.trySend(m)) {
                return true;
            }
        } catch (HostUnreachableException e) {
            // the ROUTER does not know the id (yet)
        }
        m.close();
        return false;
    }

    @Override
    public List<byte[]> receive(Duration timeout) {
        try (Message m = socket.receive(timeout)) {
            return m == null ? null : frames(m);
        }
    }

    /** The User-Id of the next message (and its frames), or null on timeout. */
    public Received receiveWithUserId(Duration timeout) {
        try (Message m = socket.receive(timeout)) {
            if (m == null) {
                return null;
            }
            List<byte[]> frames = new ArrayList<>(m.size());
            for (int i = 0; i < m.size(); i++) {
                frames.add(m.bytes(i));
            }
            return new Received(frames, m.userId());
        }
    }

    /** A message's frames and the User-Id it carried. */
    public record Received(List<byte[]> frames, String userId) {
    }

    @Override
    public int connectPeer(String endpoint) {
        return ((Peer) socket).connectPeer(endpoint);
    }

    /** SUB: subscribes; DISH: joins the group. */
    @Override
    public void subscribe(byte[] prefix) {
        if (socket instanceof Dish dish) {
            dish.join(new String(prefix, StandardCharsets.UTF_8));
        } else {
            ((Sub) socket).subscribe(prefix);
        }
    }

    /** SUB: unsubscribes; DISH: leaves the group. */
    @Override
    public void unsubscribe(byte[] prefix) {
        if (socket instanceof Dish dish) {
            dish.leave(new String(prefix, StandardCharsets.UTF_8));
        } else {
            ((Sub) socket).unsubscribe(prefix);
        }
    }

    /** ROUTER only: whether a peer with this routing id is connected. */
    public boolean hasPeer(byte[] id) {
        return ((Router) socket).hasPeer(id);
    }

    @Override
    public void close() {
        socket.close();
    }
}
