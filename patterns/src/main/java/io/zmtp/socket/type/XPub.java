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
 * the subscribers send.
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
        if (first || options().xpubVerbose()) {
            notifyApplication(1, topic);
        }
    }

    @Override
    void unsubscribed(Pipe pipe, byte[] topic) {
        notifyApplication(0, topic);
    }

    private void notifyApplication(int kind, byte[] topic) {
        Message m = new Message();
        m.add(Unpooled.buffer(1 + topic.length).writeByte(kind).writeBytes(topic));
        deliverToApplication(m);
    }

    @Override
    boolean upstreamData(Pipe pipe, ZmtpMessage message) {
        return true;
    }
}
