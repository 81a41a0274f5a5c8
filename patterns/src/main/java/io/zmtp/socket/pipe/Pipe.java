package io.zmtp.socket.pipe;

import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.Command;

import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * One peer of a socket: the queues in both directions, each bounded by a high-water mark, and the
 * link (connection) currently carrying them. A pipe made by {@code connect} outlives its connections
 * (messages queued while disconnected go out after the reconnect); a pipe made for an accepted
 * connection dies with it. Touched only on the socket's event loop.
 */
public final class Pipe {
    private final boolean connectSide;
    private final String endpoint;
    private final int sendHwm;
    private final int receiveHwm;
    /** Byte bounds beside the counts; 0 for none. */
    private final long sendHwmBytes;
    private final long receiveHwmBytes;
    /** Body bytes of the messages in {@link #in}. */
    private long inBytes;
    private final ArrayDeque<ZmtpMessage> out = new ArrayDeque<>();
    private final ArrayDeque<ZmtpMessage> in = new ArrayDeque<>();
    /** Body bytes of the messages in {@link #out}: what a peer that stopped reading costs us. */
    private long outBytes;
    private Link link;
    /** Depth of the inbound queue, readable from other threads (inproc credit). */
    private volatile int inboundDepth;
    private boolean ready;
    private boolean dirty;
    private boolean readingPaused;
    private boolean closed;

    private byte[] routingId;
    /** ZMQ_CONFLATE: only the newest unsent message is kept. */
    private boolean conflate;
    private ZmtpVersion version;
    private String mechanism;
    private SocketAddress remoteAddress;
    private String userId = "";

    private long messagesIn;
    private long messagesOut;
    private long bytesIn;
    private long bytesOut;
    private long hwmHits;
    private long drops;

    /** Position in a routing strategy's active list, or -1; owned by that strategy. */
    public int routingIndex = -1;
    /** Free slot for the socket type's per-pipe state (e.g. a subscription set marker). */
    public Object attachment;

    public Pipe(boolean connectSide, String endpoint, int sendHwm, int receiveHwm) {
        this(connectSide, endpoint, sendHwm, receiveHwm, 0, 0);
    }

    /** A pipe with byte bounds beside the message counts (0: none). */
    public Pipe(boolean connectSide, String endpoint, int sendHwm, int receiveHwm, long sendHwmBytes, long receiveHwmBytes) {
        this.connectSide = connectSide;
        this.endpoint = endpoint;
        this.sendHwm = sendHwm;
        this.receiveHwm = receiveHwm;
        this.sendHwmBytes = sendHwmBytes;
        this.receiveHwmBytes = receiveHwmBytes;
    }

    /** A connection finished its handshake and now carries this pipe. */
    public void connected(Link link, byte[] routingId, ZmtpVersion version, String mechanism, String userId) {
        this.link = link;
        this.ready = true;
        this.routingId = routingId;
        this.version = version;
        this.mechanism = mechanism;
        this.remoteAddress = link.remoteAddress();
        this.userId = userId;
        this.readingPaused = false;
    }

    /** The connection went away; queued outbound messages stay (connect side) until the pipe closes. */
    public void disconnected() {
        this.link = null;
        this.ready = false;
        this.readingPaused = false;
    }

    public boolean isReady() {
        return ready && !closed;
    }

    public boolean isConnectSide() {
        return connectSide;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The link carrying this pipe now, or null while disconnected. */
    public Link link() {
        return link;
    }

    /** Drops the current connection (a protocol violation); the socket hears of it as a disconnect. */
    public void dropConnection() {
        if (link != null) {
            link.close();
        }
    }

    /**
     * Ends the current connection once everything written to it so far is out (STREAM's empty
     * send); the socket hears of it as a disconnect. The caller made sure nothing waits in this
     * pipe's queue ({@link #outboundDepth()} is 0).
     */
    public void closeAfterWrites() {
        if (link != null) {
            flushIfDirty();
            link.closeAfterWrites();
        }
    }

    /** True while the outbound queue is below the send HWM (and its byte bound); always with CONFLATE. */
    public boolean hasRoomOut() {
        return !closed && (conflate || (sendHwm == 0 || out.size() < sendHwm) && (sendHwmBytes == 0 || outBytes < sendHwmBytes));
    }

    /**
     * ZMQ_CONFLATE: this pipe keeps only the newest message it could not write yet (the older one
     * is dropped), and takes every message in, whatever the HWMs say.
     */
    public void conflate() {
        this.conflate = true;
    }

    /**
     * Queues {@code message} for the peer, writing it at once when the connection can take it.
     * The caller checked {@link #hasRoomOut()}; the pipe owns the message from here.
     */
    public void enqueue(ZmtpMessage message) {
        if (closed) {
            message.release();
            return;
        }
        messagesOut++;
        long size = message.byteSize();
        bytesOut += size;
        if (ready && out.isEmpty() && link.isWritable()) {
            link.write(message);
            dirty = true;
            return;
        }
        if (conflate) {
            ZmtpMessage older;
            while ((older = out.poll()) != null) {
                outBytes -= older.byteSize();
                older.release();
                drops++;
            }
        }
        out.add(message);
        outBytes += size;
        if (ready) {
            link.heldBack();
        }
    }

    /** Writes a command (subscriptions) ahead of nothing: commands do not count against the HWM. */
    public void writeCommand(Command command) {
        if (ready) {
            link.write(command);
            dirty = true;
        }
    }

    /** Moves queued messages to the connection while it is writable; returns true if any moved. */
    public boolean writeQueued() {
        if (!ready) {
            return false;
        }
        boolean moved = false;
        while (!out.isEmpty() && link.isWritable()) {
            ZmtpMessage m = out.poll();
            outBytes -= m.byteSize();
            link.write(m);
            moved = true;
        }
        if (moved) {
            dirty = true;
        }
        return moved;
    }

    /** Flushes the connection if anything was written since the last flush. */
    public void flushIfDirty() {
        if (dirty) {
            dirty = false;
            if (link != null) {
                link.flush();
            }
        }
    }

    /** Counts a message dropped because the outbound queue was full. */
    public void recordDrop() {
        drops++;
        hwmHits++;
    }

    /** Counts a send that found this pipe full (and waited or went elsewhere). */
    public void recordHwmHit() {
        hwmHits++;
    }

    /** Adds an inbound message; pauses reading from the connection once the receive HWM is reached. */
    public void received(ZmtpMessage message) {
        messagesIn++;
        long size = message.byteSize();
        bytesIn += size;
        inBytes += size;
        in.add(message);
        inboundDepth = in.size();
        boolean full = receiveHwm > 0 && in.size() >= receiveHwm || receiveHwmBytes > 0 && inBytes >= receiveHwmBytes;
        if (full && link != null && !readingPaused) {
            readingPaused = true;
            hwmHits++;
            link.setReading(false);
        }
    }

    /**
     * Counts a message that goes on to the application at once (nothing of this pipe waits ahead
     * of it), as {@link #received} and {@link #poll} together would.
     */
    public void passedThrough(ZmtpMessage message) {
        messagesIn++;
        bytesIn += message.byteSize();
        if (link != null) {
            link.taken();
        }
    }

    public boolean hasInbound() {
        return !in.isEmpty();
    }

    /** Takes the next inbound message; resumes reading once the queue drains to half the HWM. */
    public ZmtpMessage poll() {
        ZmtpMessage m = in.poll();
        if (m != null) {
            inBytes -= m.byteSize();
        }
        inboundDepth = in.size();
        if (link != null) {
            if (readingPaused && (receiveHwm == 0 || in.size() <= receiveHwm / 2)
                    && (receiveHwmBytes == 0 || inBytes <= receiveHwmBytes / 2)) {
                readingPaused = false;
                link.setReading(true);
            }
            link.taken();
        }
        return m;
    }

    /** Closes the pipe: releases both queues, closes the connection. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        releaseQueues();
        if (link != null) {
            link.close();
        }
    }

    /** Releases queued inbound messages (the connection died; a partial view must not leak). */
    public void releaseInbound() {
        ZmtpMessage m;
        while ((m = in.poll()) != null) {
            m.release();
        }
        inboundDepth = 0;
        inBytes = 0;
    }

    private void releaseQueues() {
        ZmtpMessage m;
        while ((m = out.poll()) != null) {
            m.release();
        }
        outBytes = 0;
        releaseInbound();
    }

    public int outboundDepth() {
        return out.size();
    }

    /** Body bytes queued for the peer and not yet handed to its connection. */
    public long outboundBytes() {
        return outBytes;
    }

    /** Inbound queue depth; safe to read from any thread. */
    public int inboundDepth() {
        return inboundDepth;
    }

    public int receiveHwm() {
        return receiveHwm;
    }

    /** True while a written message still waits in the link's transport buffer. */
    public boolean hasUnsentData() {
        return link != null && link.hasUnsentData();
    }

    /** The peer's authenticated user id ("" for NULL). */
    public String userId() {
        return userId;
    }

    public byte[] routingId() {
        return routingId;
    }

    public void routingId(byte[] id) {
        this.routingId = id;
    }

    public ZmtpVersion version() {
        return version;
    }

    public String endpoint() {
        return endpoint;
    }

    /** A snapshot of this pipe for the application. */
    public PeerInfo snapshot() {
        return new PeerInfo(routingId == null ? null : routingId.clone(), endpoint, connectSide,
                remoteAddress, isReady(), version, mechanism, userId, in.size(), out.size(), outBytes,
                messagesIn, messagesOut, bytesIn, bytesOut, hwmHits, drops);
    }
}
