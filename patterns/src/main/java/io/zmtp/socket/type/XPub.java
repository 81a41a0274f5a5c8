package io.zmtp.socket.type;

import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * XPUB (RFC 29): a PUB whose application also receives: subscriptions as messages {@code 0x01
 * topic} (only the first for a topic, or every one with XPUB_VERBOSE), unsubscriptions as
 * {@code 0x00 topic} when the last holder goes (also when it disconnects), and any other data
 * the subscribers send. With XPUB_MANUAL every (un)subscription goes up and none is applied: the
 * application applies it, or another topic, with {@link #subscribe} for the peer it came from.
 */
public final class XPub extends Publisher {
    public XPub(ZmtpContext context) {
        super(context, SocketType.XPUB);
    }

    /** XPUB_WELCOME_MSG: the first thing each new subscriber gets. */
    @Override
    protected void attach(Pipe pipe) {
        byte[] welcome = options().xpubWelcomeMessage();
        if (welcome.length > 0) {
            pipe.enqueue(toWire(Message.of(welcome)));
        }
    }

    @Override
    void subscribed(Pipe pipe, byte[] topic, boolean first) {
        if (!manual() && (first || options().xpubVerbose())) {
            notifyApplication(1, topic, null);
        }
    }

    @Override
    void unsubscribed(Pipe pipe, byte[] topic) {
        if (!manual()) {
            notifyApplication(0, topic, null);
        }
    }

    @Override
    boolean manual() {
        return options().xpubManual();
    }

    /** XPUB_MANUAL: every request goes up, with the peer it came from for {@link #subscribe}. */
    @Override
    void manualRequest(Pipe pipe, int kind, byte[] topic) {
        notifyApplication(kind, topic, pipe);
    }

    private void notifyApplication(int kind, byte[] topic, Pipe from) {
        Message m = new Message();
        m.add(Unpooled.buffer(1 + topic.length).writeByte(kind).writeBytes(topic));
        replyTo(m, from);
        deliverToApplication(m);
    }

    /** The application's thread: the peer of the last subscription message received (XPUB_MANUAL). */
    private volatile Pipe lastRequester;

    @Override
    protected Message acceptReceived(Message message) {
        if (replyTo(message) instanceof Pipe from) {
            lastRequester = from;
            replyTo(message, null);
        }
        return message;
    }

    /**
     * XPUB_MANUAL: subscribes the peer whose subscription message this socket received last to
     * {@code topic} (as {@code zmq_setsockopt(ZMQ_SUBSCRIBE)} on a manual XPUB does).
     */
    public void subscribe(byte[] topic) {
        Pipe pipe = requester();
        byte[] t = topic.clone();
        onLoopAndWait(() -> subscribeNow(pipe, t));
    }

    /** XPUB_MANUAL: withdraws {@code topic} from that peer (ZMQ_UNSUBSCRIBE). */
    public void unsubscribe(byte[] topic) {
        Pipe pipe = requester();
        byte[] t = topic.clone();
        onLoopAndWait(() -> unsubscribeNow(pipe, t));
    }

    /**
     * Done before this returns, as libzmq's setsockopt is: a send that follows may be routed in a
     * drain scheduled before it, which must see the change.
     */
    private void onLoopAndWait(Runnable change) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        runOnLoop(() -> {
            change.run();
            done.complete(null);
        });
        try {
            done.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("XPUB: the subscription change did not run", e);
        }
    }

    private Pipe requester() {
        checkOpen();
        if (!options().xpubManual()) {
            throw new IllegalStateException("XPUB: subscribe() and unsubscribe() are for XPUB_MANUAL");
        }
        Pipe p = lastRequester;
        if (p == null) {
            throw new IllegalStateException("XPUB: no subscription message received yet");
        }
        return p;
    }

    @Override
    boolean upstreamData(Pipe pipe, ZmtpMessage message) {
        return true;
    }
}
