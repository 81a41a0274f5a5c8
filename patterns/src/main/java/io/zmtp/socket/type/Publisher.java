package io.zmtp.socket.type;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Cancel;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.Distributor;
import io.zmtp.socket.routing.SubscriptionTrie;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * What PUB and XPUB share: filtering at the publisher, as libzmq does for ZMTP 3.x. Each peer's
 * subscriptions (SUBSCRIBE/CANCEL commands, or 0x01/0x00 messages from 3.0 peers and XSUB
 * proxies, accepted on every version) go into a prefix trie; a message goes to every peer holding
 * a prefix of its first frame, and is dropped for a peer whose queue is full (with XPUB_NODROP it
 * waits until every matching peer has room).
 */
abstract class Publisher extends Socket {
    private final SubscriptionTrie<Pipe> subscriptions = new SubscriptionTrie<>();
    private final List<Pipe> matched = new ArrayList<>();
    private final List<Pipe> inverted = new ArrayList<>();
    private final Consumer<Pipe> collect = matched::add;

    Publisher(ZmtpContext context, SocketType type) {
        super(context, type);
    }

    @Override
    protected void attach(Pipe pipe) {
    }

    @Override
    protected void detach(Pipe pipe) {
        subscriptions.removeAll(pipe, this::lastUnsubscribed);
    }

    @Override
    protected void disconnected(Pipe pipe) {
        // The subscriber sends its subscriptions again when it reconnects.
        subscriptions.removeAll(pipe, this::lastUnsubscribed);
    }

    @Override
    protected boolean route(Message message) {
        matched.clear();
        subscriptions.match(message.frame(0), collect);
        if (options().invertMatching()) {
            invertMatched();
        }
        if (matched.isEmpty()) {
            discard(message);
            return true;
        }
        if (options().xpubNoDrop() && !allHaveRoom()) {
            matched.clear();
            return false;
        }
        Distributor.send(matched, toWire(message));
        matched.clear();
        return true;
    }

    /** INVERT_MATCHING: the peers that did not match, every attached one (as libzmq's dist reverse_match). */
    private void invertMatched() {
        inverted.clear();
        for (Pipe p : pipes()) {
            if (!matched.contains(p)) {
                inverted.add(p);
            }
        }
        matched.clear();
        matched.addAll(inverted);
    }

    /** XPUB_NODROP: the message goes only when every matching subscriber can take it (libzmq's dist check_hwm). */
    private boolean allHaveRoom() {
        for (int i = 0; i < matched.size(); i++) {
            Pipe p = matched.get(i);
            if (p.isReady() && !p.hasRoomOut()) {
                p.recordHwmHit();
                return false;
            }
        }
        return true;
    }

    @Override
    protected void command(Pipe pipe, Command command) {
        if (command instanceof Subscribe s) {
            subscribe(pipe, s.topic());
        } else if (command instanceof Cancel c) {
            unsubscribe(pipe, c.topic());
        }
    }

    /** Handles 0x01/0x00 subscription messages; returns false when the message was one. */
    @Override
    protected boolean filterIncoming(Pipe pipe, ZmtpMessage message) {
        ByteBuf first = message.frame(0);
        if (message.size() == 1 && first.isReadable()) {
            int kind = first.getUnsignedByte(first.readerIndex());
            if (kind == 1 || kind == 0) {
                byte[] topic = ByteBufUtil.getBytes(first, first.readerIndex() + 1, first.readableBytes() - 1);
                message.release();
                if (kind == 1) {
                    subscribe(pipe, topic);
                } else {
                    unsubscribe(pipe, topic);
                }
                return false;
            }
        }
        return upstreamData(pipe, message);
    }

    private void subscribe(Pipe pipe, byte[] topic) {
        if (manual()) {
            manualRequest(pipe, 1, topic);
            return;
        }
        subscribeNow(pipe, topic);
    }

    private void unsubscribe(Pipe pipe, byte[] topic) {
        if (manual()) {
            manualRequest(pipe, 0, topic);
            return;
        }
        unsubscribeNow(pipe, topic);
    }

    /** Loop: {@code pipe} gets messages starting with {@code topic}. */
    final void subscribeNow(Pipe pipe, byte[] topic) {
        boolean first = subscriptions.add(topic, pipe);
        subscribed(pipe, topic, first);
    }

    final void unsubscribeNow(Pipe pipe, byte[] topic) {
        if (subscriptions.remove(topic, pipe)) {
            unsubscribed(pipe, topic);
        }
    }

    /** XPUB_MANUAL: subscriptions are the application's to apply (see {@link XPub#subscribe}). */
    boolean manual() {
        return false;
    }

    /** XPUB_MANUAL: a peer asked to (un)subscribe ({@code kind} 1 or 0); nothing is applied yet. */
    void manualRequest(Pipe pipe, int kind, byte[] topic) {
    }

    private void lastUnsubscribed(byte[] topic) {
        unsubscribed(null, topic);
    }

    /** A peer subscribed; {@code first} when nobody held the topic before. */
    abstract void subscribed(Pipe pipe, byte[] topic, boolean first);

    /** The last holder of {@code topic} let it go ({@code pipe} null when it disconnected). */
    abstract void unsubscribed(Pipe pipe, byte[] topic);

    /** Data from a subscriber that is not a subscription: PUB drops it, XPUB passes it up. */
    abstract boolean upstreamData(Pipe pipe, ZmtpMessage message);
}
