package io.zmtp.socket.type;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * XSUB (RFC 29): a SUB driven by messages. The application subscribes by sending {@code 0x01
 * topic} and unsubscribes with {@code 0x00 topic}; those go to every publisher as messages (as
 * libzmq forwards them) and are replayed on reconnect. Other messages go to every publisher too.
 * Receives everything its publishers send, with no local filter.
 */
public final class XSub extends Subscribing {
    public XSub(ZmtpContext context) {
        super(context, SocketType.XSUB);
    }

    @Override
    protected boolean route(Message message) {
        ByteBuf first = message.frame(0);
        if (message.size() == 1 && first.isReadable()) {
            int kind = first.getUnsignedByte(first.readerIndex());
            byte[] topic = ByteBufUtil.getBytes(first, first.readerIndex() + 1, first.readableBytes() - 1);
            if (kind == 1) {
                subscriptions.subscribe(topic);
            } else if (kind == 0) {
                subscriptions.unsubscribe(topic);
            }
        }
        ZmtpMessage wire = toWire(message);
        for (Pipe p : pipes()) {
            if (!p.isReady()) {
                continue;
            }
            if (p.hasRoomOut()) {
                p.enqueue(wire.retainedDuplicateMessage());
            } else {
                p.recordDrop();
            }
        }
        wire.release();
        return true;
    }
}
