package io.zmtp.socket.type;

import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.Join;
import io.zmtp.codec.command.Leave;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.Distributor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * RADIO (RFC 48, libzmq's draft API): sends each one-frame message to the DISH peers that joined
 * its group ({@link Message#group(String)}, an exact match), and drops it for a peer whose queue is
 * full, as PUB does. The DISHes say what they want with JOIN and LEAVE commands; on the wire a
 * message is two frames, the group and the body. Over udp (a RADIO connects, a DISH binds) each
 * message is one datagram and goes to every udp peer, whose DISH filters. Any number of threads may
 * send at once. Cannot receive.
 */
public final class Radio extends Socket {
    /**
     * Group -> the peers that joined it, a peer once per JOIN it sent (libzmq keeps a multimap: a
     * LEAVE takes back one JOIN). Loop only.
     */
    private final Map<String, List<Pipe>> groups = new HashMap<>();
    private final List<Pipe> matched = new ArrayList<>();
    /** Peers over udp: no JOIN comes from them, so every group goes to them (as libzmq's udp pipes). */
    private final List<Pipe> udpPeers = new ArrayList<>();

    public Radio(ZmtpContext context) {
        super(context, SocketType.RADIO);
    }

    @Override
    protected void attach(Pipe pipe) {
        if (pipe.endpoint() != null && pipe.endpoint().startsWith("udp://")) {
            udpPeers.add(pipe);
        }
    }

    @Override
    protected void detach(Pipe pipe) {
        udpPeers.remove(pipe);
        forget(pipe);
    }

    @Override
    protected void disconnected(Pipe pipe) {
        // A DISH joins its groups again when it reconnects.
        forget(pipe);
    }

    private void forget(Pipe pipe) {
        Iterator<List<Pipe>> it = groups.values().iterator();
        while (it.hasNext()) {
            List<Pipe> peers = it.next();
            peers.removeIf(p -> p == pipe);
            if (peers.isEmpty()) {
                it.remove();
            }
        }
    }

    @Override
    protected void checkSend(Message message) {
        SingleFrame.check(type(), message);
    }

    @Override
    protected void checkReceive() {
        throw new UnsupportedOperationException("a RADIO socket cannot receive");
    }

    @Override
    protected boolean route(Message message) {
        List<Pipe> peers = groups.get(message.group());
        if (peers == null && udpPeers.isEmpty()) {
            discard(message);
            return true;
        }
        matched.clear();
        matched.addAll(udpPeers);
        if (peers != null) {
            for (int i = 0; i < peers.size(); i++) {
                Pipe p = peers.get(i);
                if (!matched.contains(p)) {
                    matched.add(p);
                }
            }
        }
        pushFrame(message, Unpooled.wrappedBuffer(groupBytes(message)));
        Distributor.send(matched, toWire(message));
        matched.clear();
        return true;
    }

    @Override
    protected void command(Pipe pipe, Command command) {
        if (command instanceof Join j) {
            groups.computeIfAbsent(j.groupName(), g -> new ArrayList<>(2)).add(pipe);
        } else if (command instanceof Leave l) {
            List<Pipe> peers = groups.get(l.groupName());
            if (peers != null && peers.remove(pipe) && peers.isEmpty()) {
                groups.remove(l.groupName());
            }
        }
    }

    @Override
    protected boolean filterIncoming(Pipe pipe, ZmtpMessage message) {
        // A DISH sends commands only; a message from it is dropped.
        message.release();
        return false;
    }
}
