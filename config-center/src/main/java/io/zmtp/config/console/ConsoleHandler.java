package io.zmtp.config.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.zmtp.config.server.ConfigServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Routes one HTTP request: the page's files, {@code /metrics}, sign-in and sign-out on the loop
 * (they touch no store), everything else on a worker thread behind the session and, for a change,
 * the CSRF header. Answers are JSON; see CONSOLE.md.
 */
final class ConsoleHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(ConsoleHandler.class);
    static final String COOKIE = "zc_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** Event streams open at once, all connections together. */
    static final int MAX_STREAMS = 100;

    /** What every connection's handler shares. */
    static final class Shared {
        final ConsoleApi api;
        final ConfigServer server;
        final ConsoleSessions sessions;
        final Executor workers;
        final Supplier<String> metrics;
        final BodyBudget bodies;
        final StaticFiles files;
        final AtomicInteger streams = new AtomicInteger();
        volatile boolean closed;

        Shared(ConsoleApi api, ConfigServer server, ConsoleSessions sessions, Executor workers, Supplier<String> metrics,
               BodyBudget bodies, StaticFiles files) {
            this.api = api;
            this.server = server;
            this.sessions = sessions;
            this.workers = workers;
            this.metrics = metrics;
            this.bodies = bodies;
            this.files = files;
        }
    }

    /** One API call, run on a worker: returns the JSON answer or throws an {@link ApiError}. */
    @FunctionalInterface
    private interface Call {
        JsonNode run(ConsoleSessions.Session session, JsonNode body);
    }

    private final Shared shared;

    ConsoleHandler(Shared shared) {
        this.shared = shared;
    }

    /** Loop only: a request of this connection is with a worker; the ones after it wait here. */
    private boolean inFlight;
    /** Requests that came while one was in flight (a client that pipelines): answered in order. */
    private final java.util.ArrayDeque<Waiting> waiting = new java.util.ArrayDeque<>();

    /** A pipelined request and the body bytes it holds of the budget. */
    private record Waiting(FullHttpRequest req, long held) {
    }
    /** More pipelined requests than this on one connection, and it is closed. */
    static final int MAX_WAITING = 16;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        Long reserved = ctx.channel().attr(RequestGate.RESERVED).getAndSet(null);
        long held = reserved == null ? 0 : reserved;
        if (inFlight) {
            if (waiting.size() >= MAX_WAITING) {
                shared.bodies.release(held);
                ctx.close();
                return;
            }
            waiting.add(new Waiting(req.retain(), held));
            return;
        }
        handle(ctx.channel(), req, held);
    }

    private void handle(Channel ch, FullHttpRequest req, long held) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        try {
            inFlight = route(ch, req, keepAlive, held);
            if (!inFlight) {
                shared.bodies.release(held);
            }
        } catch (ApiError e) {
            shared.bodies.release(held);
            Responses.error(ch, e.status(), e.code(), e.getMessage(), keepAlive);
        }
    }

    /** Loop: the request with a worker was answered; the next waiting one goes. */
    private void answered(Channel ch) {
        inFlight = false;
        Waiting next;
        while (!inFlight && (next = waiting.poll()) != null) {
            try {
                handle(ch, next.req(), next.held());
            } finally {
                next.req().release();
            }
        }
    }

    /** Answers {@code req}; true when a worker took it over (and gives the body budget back itself). */
    private boolean route(Channel ch, FullHttpRequest req, boolean keepAlive, long held) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String path = q.path();
        HttpMethod method = req.method();
        StaticFiles.File file = shared.files.get(path);
        if (file != null && method.equals(HttpMethod.GET)) {
            Responses.send(ch, HttpResponseStatus.OK, file.content(), file.type(), keepAlive);
            return false;
        }
        if (path.equals("/metrics") && method.equals(HttpMethod.GET)) {
            if (shared.metrics == null) {
                throw new ApiError(HttpResponseStatus.NOT_FOUND, "not-found", "this server publishes no metrics");
            }
            return work(ch, keepAlive, held, () -> {
                byte[] text = shared.metrics.get().getBytes(StandardCharsets.UTF_8);
                Responses.send(ch, HttpResponseStatus.OK, text, "text/plain; version=0.0.4; charset=utf-8", keepAlive);
            });
        }
        if (!path.startsWith("/api/")) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "not-found", "no such page: " + path);
        }
        String address = address(ch);
        ConsoleSessions.Session session = shared.sessions.find(sessionCookie(req));
        if (path.equals("/api/session")) {
            session(ch, req, session, address, keepAlive);
            return false;
        }
        if (session == null) {
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, "signed-out", "sign in first");
        }
        boolean change = !method.equals(HttpMethod.GET);
        if (change) {
            checkCsrf(req, session);
        }
        String ns = param(q, "ns");
        Call call = switch (method.name() + " " + path) {
            case "GET /api/namespaces" -> (s, b) -> shared.api.namespaces();
            case "GET /api/namespace" -> (s, b) -> shared.api.namespace(ns, optionalNumber(q, "rev"));
            case "GET /api/history" -> (s, b) -> shared.api.history(ns, number(q, "after", 0), (int) Math.min(1000, number(q, "limit", 100)));
            case "GET /api/diff" -> (s, b) -> shared.api.diff(ns, number(q, "from", -1), number(q, "to", -1));
            case "GET /api/rollout" -> (s, b) -> shared.api.rollout(ns, optionalNumber(q, "rev"));
            case "GET /api/refusals" -> (s, b) -> shared.api.refusals();
            case "POST /api/preview" -> (s, b) -> shared.api.preview(ns, b);
            case "POST /api/publish" -> (s, b) -> shared.api.publish(ns, b, s.user(), address);
            case "POST /api/rollback" -> (s, b) -> shared.api.rollback(ns, b, s.user(), address);
            case "POST /api/promote" -> (s, b) -> shared.api.promote(ns, b, s.user(), address);
            case "POST /api/abort" -> (s, b) -> shared.api.abort(ns, b, s.user(), address);
            case "GET /api/rollout/events" -> null;
            default -> throw new ApiError(HttpResponseStatus.NOT_FOUND, "not-found", "no such call: " + method + " " + path);
        };
        if (call == null) {
            stream(ch, ns);
            return false;
        }
        byte[] body = change ? ByteBufUtil.getBytes(req.content()) : new byte[0];
        return work(ch, keepAlive, held, () -> {
            JsonNode parsed = change ? parse(body) : null;
            Responses.json(ch, HttpResponseStatus.OK, call.run(session, parsed), keepAlive);
        });
    }

    /** Runs {@code task} on a worker; every failure becomes a JSON error. Gives the body budget back. */
    private boolean work(Channel ch, boolean keepAlive, long held, Runnable task) {
        try {
            shared.workers.execute(() -> {
                try {
                    task.run();
                } catch (ApiError e) {
                    Responses.error(ch, e.status(), e.code(), e.getMessage(), keepAlive);
                } catch (RuntimeException e) {
                    log.warn("console request failed", e);
                    Responses.error(ch, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal",
                            "the server failed on this request: " + e.getClass().getSimpleName(), keepAlive);
                } finally {
                    shared.bodies.release(held);
                    ch.eventLoop().execute(() -> answered(ch));
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            throw new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy", "the console is busy; try again shortly");
        }
    }

    /** Sign-in (POST), who is signed in (GET), sign-out (DELETE). */
    private void session(Channel ch, FullHttpRequest req, ConsoleSessions.Session session, String address, boolean keepAlive) {
        HttpMethod m = req.method();
        if (m.equals(HttpMethod.POST)) {
            JsonNode b = parse(ByteBufUtil.getBytes(req.content()));
            String user = b.path("user").asText("");
            String password = b.path("password").asText("");
            if (user.isEmpty() || password.isEmpty()) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "give 'user' and 'password'");
            }
            switch (shared.server.signIn(user, password, address, "console")) {
                case OK -> {
                    if (session != null) {
                        shared.sessions.remove(session.token());
                    }
                    ConsoleSessions.Session s = shared.sessions.create(user);
                    Responses.json(ch, HttpResponseStatus.OK, who(s), keepAlive, HttpHeaderNames.SET_COOKIE.toString(),
                            COOKIE + "=" + s.token() + "; Path=/; HttpOnly; SameSite=Strict");
                }
                case RATE_LIMITED -> Responses.error(ch, HttpResponseStatus.TOO_MANY_REQUESTS, "rate-limited",
                        "too many failed sign-ins from this address; wait and try again", keepAlive, "Retry-After", "5");
                default -> Responses.error(ch, HttpResponseStatus.UNAUTHORIZED, "bad-credentials",
                        "wrong admin name or password", keepAlive);
            }
            return;
        }
        if (session == null) {
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, "signed-out", "sign in first");
        }
        if (m.equals(HttpMethod.GET)) {
            Responses.json(ch, HttpResponseStatus.OK, who(session), keepAlive);
        } else if (m.equals(HttpMethod.DELETE)) {
            checkCsrf(req, session);
            shared.sessions.remove(session.token());
            Responses.json(ch, HttpResponseStatus.OK, ConsoleApi.JSON.createObjectNode().put("signedOut", true), keepAlive,
                    HttpHeaderNames.SET_COOKIE.toString(), COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        } else {
            throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "not-found", "no such call: " + m + " /api/session");
        }
    }

    /** Opens a rollout event stream on this connection (bounded in number). */
    private void stream(Channel ch, String ns) {
        shared.api.rollout(ns, 0L); // a bad namespace is refused before the stream is counted or opened
        if (shared.streams.incrementAndGet() > MAX_STREAMS) {
            shared.streams.decrementAndGet();
            throw new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy", "too many open event streams");
        }
        ch.closeFuture().addListener(f -> shared.streams.decrementAndGet());
        new RolloutStream(shared, ch, ns).start();
    }

    private static ObjectNode who(ConsoleSessions.Session s) {
        return ConsoleApi.JSON.createObjectNode().put("user", s.user()).put("csrf", s.csrf());
    }

    private static void checkCsrf(HttpRequest req, ConsoleSessions.Session session) {
        String token = req.headers().get(CSRF_HEADER);
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                session.csrf().getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, "csrf", "a change needs the " + CSRF_HEADER
                    + " header of this session (the page sends it)");
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode n = ConsoleApi.JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "the body must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "the body is not JSON: "
                    + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "the body could not be read: " + e.getMessage());
        }
    }

    private static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Long optionalNumber(QueryStringDecoder q, String name) {
        String v = param(q, name);
        return v == null || v.isEmpty() ? null : number(q, name, 0);
    }

    private static long number(QueryStringDecoder q, String name, long otherwise) {
        String v = param(q, name);
        if (v == null || v.isEmpty()) {
            if (otherwise < 0) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "parameter '" + name + "' is required");
            }
            return otherwise;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "parameter '" + name
                    + "' must be a number of 0 or more");
        }
    }

    static String path(String uri) {
        return new QueryStringDecoder(uri).path();
    }

    /** The session cookie's value, or null. */
    static String sessionCookie(HttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
            if (c.name().equals(COOKIE)) {
                return c.value();
            }
        }
        return null;
    }

    private static String address(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(ch.remoteAddress());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Long reserved = ctx.channel().attr(RequestGate.RESERVED).getAndSet(null);
        if (reserved != null) {
            shared.bodies.release(reserved);
        }
        Waiting w;
        while ((w = waiting.poll()) != null) {
            w.req().release();
            shared.bodies.release(w.held());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("console connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
