import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.spotify.netty4.handler.codec.zmtp.ZMTPCodec;
import com.spotify.netty4.handler.codec.zmtp.ZMTPHandshakeSuccess;
import com.spotify.netty4.handler.codec.zmtp.ZMTPMessage;
import com.spotify.netty4.handler.codec.zmtp.ZMTPProtocols;
import com.spotify.netty4.handler.codec.zmtp.ZMTPSocketType;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A ZMTP/1.0 or 2.0 peer for the interop matrix: spotify's netty-zmtp 0.4.0 (a ZMTP 1.0/2.0 codec
 * on Netty 4.0) in a process of its own, driven by the same JSON lines as the libzmq drivers
 * (open, bind, connect, send, recv, subscribe, unsubscribe, poke, events, close, exit).
 *
 * <p>netty-zmtp is a codec, not a socket library: the little socket behaviour the cells need is
 * here (REQ's empty delimiter, REP's envelope, ROUTER's identity frame, PUB's subscription
 * filter, SUB's subscription messages), over one connection per bind or connect. Every frame on
 * the wire is netty-zmtp's. Run with netty-all 4.0.x, netty4-zmtp 0.4.0 and Jackson on the class
 * path; the protocol comes from the environment ({@code ZMTP_PROTOCOL}: ZMTP10 or ZMTP20).
 */
public final class NettyZmtpDriver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder UNB64 = Base64.getDecoder();
    private static final NioEventLoopGroup GROUP = new NioEventLoopGroup(1);
    private static final List<Sock> SOCKETS = new ArrayList<>();

    /** One live connection and the identity its peer sent. */
    static final class Conn {
        final Channel channel;
        final byte[] identity;
        final List<byte[]> subscriptions = new CopyOnWriteArrayList<>();

        Conn(Channel channel, byte[] identity) {
            this.channel = channel;
            this.identity = identity;
        }
    }

    /** One socket: its connections, what arrived, and the bit of type behaviour the cells need. */
    static final class Sock {
        final String type;
        final ZMTPSocketType zmtpType;
        final byte[] identity;
        final List<Conn> conns = new CopyOnWriteArrayList<>();
        final List<Channel> channels = new CopyOnWriteArrayList<>();
        final BlockingQueue<List<byte[]>> inbound = new LinkedBlockingQueue<>();
        final List<byte[]> subscriptions = new CopyOnWriteArrayList<>();
        Conn replyTo;
        List<byte[]> envelope;
        int next;

        Sock(String type, byte[] identity) {
            this.type = type;
            this.zmtpType = ZMTPSocketType.valueOf(type);
            this.identity = identity;
        }

        ChannelInitializer<Channel> initializer() {
            return new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    channels.add(ch);
                    ch.pipeline().addLast(ZMTPCodec.builder()
                            .protocol("ZMTP10".equals(System.getenv("ZMTP_PROTOCOL")) ? ZMTPProtocols.ZMTP10 : ZMTPProtocols.ZMTP20)
                            .socketType(zmtpType).localIdentity(identity).build());
                    ch.pipeline().addLast(new Handler(Sock.this));
                }
            };
        }

        synchronized void added(Conn c) {
            conns.add(c);
            if ("SUB".equals(type)) {
                for (byte[] topic : subscriptions) {
                    c.channel.writeAndFlush(message(List.of(prefixed((byte) 1, topic))));
                }
            }
            notifyAll();
        }

        void arrived(Conn c, List<byte[]> frames) {
            switch (type) {
                case "PUB" -> {
                    byte[] f = frames.get(0);
                    if (frames.size() == 1 && f.length > 0 && (f[0] == 0 || f[0] == 1)) {
                        byte[] topic = Arrays.copyOfRange(f, 1, f.length);
                        if (f[0] == 1) {
                            c.subscriptions.add(topic);
                        } else {
                            c.subscriptions.removeIf(t -> Arrays.equals(t, topic));
                        }
                    }
                    return;
                }
                case "SUB" -> {
                    if (subscriptions.stream().noneMatch(t -> startsWith(frames.get(0), t))) {
                        return;
                    }
                }
                case "ROUTER" -> {
                    List<byte[]> m = new ArrayList<>();
                    m.add(c.identity);
                    m.addAll(frames);
                    inbound.add(m);
                    return;
                }
                case "REP" -> {
                    int d = 0;
                    while (d < frames.size() && frames.get(d).length > 0) {
                        d++;
                    }
                    synchronized (this) {
                        replyTo = c;
                        envelope = new ArrayList<>(frames.subList(0, Math.min(d + 1, frames.size())));
                    }
                    inbound.add(new ArrayList<>(frames.subList(Math.min(d + 1, frames.size()), frames.size())));
                    return;
                }
                case "REQ" -> {
                    if (!frames.isEmpty() && frames.get(0).length == 0) {
                        inbound.add(new ArrayList<>(frames.subList(1, frames.size())));
                    }
                    return;
                }
                default -> {
                }
            }
            inbound.add(frames);
        }

        /** Sends {@code frames} as the type would; null when it went, else an errno name. */
        synchronized String send(List<byte[]> frames, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (conns.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return "EAGAIN";
                }
                wait(left);
            }
            switch (type) {
                case "PUB" -> {
                    for (Conn c : conns) {
                        if (c.subscriptions.stream().anyMatch(t -> startsWith(frames.get(0), t))) {
                            c.channel.writeAndFlush(message(frames));
                        }
                    }
                }
                case "ROUTER" -> {
                    Conn to = conns.stream().filter(c -> Arrays.equals(c.identity, frames.get(0))).findFirst().orElse(null);
                    if (to == null) {
                        return "EHOSTUNREACH";
                    }
                    to.channel.writeAndFlush(message(frames.subList(1, frames.size())));
                }
                case "REP" -> {
                    if (replyTo == null) {
                        return "EFSM";
                    }
                    List<byte[]> m = new ArrayList<>(envelope);
                    m.addAll(frames);
                    replyTo.channel.writeAndFlush(message(m));
                    replyTo = null;
                }
                case "REQ" -> {
                    List<byte[]> m = new ArrayList<>();
                    m.add(new byte[0]);
                    m.addAll(frames);
                    conns.get(next++ % conns.size()).channel.writeAndFlush(message(m));
                }
                default -> conns.get(next++ % conns.size()).channel.writeAndFlush(message(frames));
            }
            return null;
        }

        synchronized void subscribe(byte[] topic, boolean on) {
            if (on) {
                subscriptions.add(topic);
            } else {
                subscriptions.removeIf(t -> Arrays.equals(t, topic));
            }
            for (Conn c : conns) {
                c.channel.writeAndFlush(message(List.of(prefixed((byte) (on ? 1 : 0), topic))));
            }
        }

        void close() {
            for (Channel ch : channels) {
                ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Hands netty-zmtp's handshake and messages to the socket. */
    static final class Handler extends SimpleChannelInboundHandler<ZMTPMessage> {
        private final Sock sock;
        private Conn conn;

        Handler(Sock sock) {
            this.sock = sock;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof ZMTPHandshakeSuccess success) {
                ByteBuffer id = success.handshake().remoteIdentity();
                byte[] identity = new byte[id == null ? 0 : id.remaining()];
                if (id != null) {
                    id.duplicate().get(identity);
                }
                conn = new Conn(ctx.channel(), identity);
                sock.added(conn);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ZMTPMessage msg) {
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < msg.size(); i++) {
                ByteBuf f = msg.frame(i);
                byte[] b = new byte[f.readableBytes()];
                f.getBytes(f.readerIndex(), b);
                frames.add(b);
            }
            sock.arrived(conn, frames);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (conn != null) {
                sock.conns.remove(conn);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("connection " + ctx.channel() + " failed: " + cause);
            ctx.close();
        }
    }

    static ZMTPMessage message(List<byte[]> frames) {
        ByteBuf[] bufs = new ByteBuf[frames.size()];
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = Unpooled.wrappedBuffer(frames.get(i));
        }
        return ZMTPMessage.from(bufs);
    }

    static byte[] prefixed(byte first, byte[] rest) {
        byte[] b = new byte[rest.length + 1];
        b[0] = first;
        System.arraycopy(rest, 0, b, 1, rest.length);
        return b;
    }

    static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** tcp://HOST:PORT, where PORT may be * (any free port), as libzmq's bind takes it. */
    static InetSocketAddress address(String endpoint) {
        if (!endpoint.startsWith("tcp://") || endpoint.lastIndexOf(':') < 6) {
            throw new IllegalArgumentException("netty-zmtp driver speaks tcp only: " + endpoint);
        }
        int colon = endpoint.lastIndexOf(':');
        String port = endpoint.substring(colon + 1);
        return new InetSocketAddress(endpoint.substring(6, colon), port.equals("*") ? 0 : Integer.parseInt(port));
    }

    static ObjectNode handle(JsonNode cmd) throws Exception {
        ObjectNode r = JSON.createObjectNode();
        String op = cmd.get("op").asText();
        Sock s = cmd.has("sock") ? SOCKETS.get(cmd.get("sock").asInt()) : null;
        switch (op) {
            case "open" -> {
                JsonNode o = cmd.path("options");
                byte[] identity = o.has("identity") ? UNB64.decode(o.get("identity").asText()) : new byte[0];
                Sock sock = new Sock(cmd.get("type").asText(), identity);
                for (JsonNode t : o.path("subscribe")) {
                    sock.subscriptions.add(UNB64.decode(t.asText()));
                }
                SOCKETS.add(sock);
                r.put("sock", SOCKETS.size() - 1);
            }
            case "bind" -> {
                Channel server = new ServerBootstrap().group(GROUP).channel(NioServerSocketChannel.class)
                        .childHandler(s.initializer()).bind(address(cmd.get("endpoint").asText())).sync().channel();
                s.channels.add(server);
                InetSocketAddress at = (InetSocketAddress) server.localAddress();
                r.put("endpoint", "tcp://" + at.getAddress().getHostAddress() + ":" + at.getPort());
            }
            case "connect" -> {
                new Bootstrap().group(GROUP).channel(NioSocketChannel.class).handler(s.initializer())
                        .connect(address(cmd.get("endpoint").asText())).sync();
                r.put("ok", true);
            }
            case "send" -> {
                List<byte[]> frames = new ArrayList<>();
                for (JsonNode f : cmd.get("frames")) {
                    frames.add(UNB64.decode(f.asText()));
                }
                String error = s.send(frames, cmd.path("timeout").asLong(0));
                if (error == null) {
                    r.put("ok", true);
                } else {
                    r.put("error", error).put("name", error);
                }
            }
            case "recv" -> {
                List<byte[]> m = s.inbound.poll(cmd.path("timeout").asLong(0), TimeUnit.MILLISECONDS);
                if (m == null) {
                    r.put("timeout", true);
                } else {
                    ArrayNode a = r.putArray("frames");
                    m.forEach(f -> a.add(B64.encodeToString(f)));
                }
            }
            case "subscribe", "unsubscribe" -> {
                s.subscribe(UNB64.decode(cmd.get("topic").asText()), op.equals("subscribe"));
                r.put("ok", true);
            }
            case "poke" -> r.put("ok", true);
            case "events" -> r.putArray("events");
            case "close" -> {
                s.close();
                r.put("ok", true);
            }
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
        return r;
    }

    public static void main(String[] args) throws Exception {
        System.out.println(JSON.createObjectNode().put("ready", true)
                .put("protocol", String.valueOf(System.getenv("ZMTP_PROTOCOL"))));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode cmd = JSON.readTree(line);
            if ("exit".equals(cmd.path("op").asText())) {
                break;
            }
            ObjectNode r;
            try {
                r = handle(cmd);
            } catch (Exception e) {
                r = JSON.createObjectNode().put("error", String.valueOf(e)).put("name", e.getClass().getSimpleName());
            }
            r.put("id", cmd.path("id").asLong());
            System.out.println(r);
        }
        for (Sock s : SOCKETS) {
            s.close();
        }
        GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        System.exit(0);
    }
}
