package io.zmtp.config.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.UntrustedText;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.auth.Authenticator;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.ConfigLimitException;
import io.zmtp.config.model.GrayRelease;
import io.zmtp.config.model.Namespaces;
import io.zmtp.config.model.NodeReport;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.store.ConfigStore;
import io.zmtp.config.store.GrayStateException;
import io.zmtp.config.store.RevisionFeed;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The configuration server: publishes every new revision on a PUB socket (topic = namespace),
 * answers SYNC requests on a ROUTER socket with the missing revisions or a snapshot, takes the
 * nodes' REPORTs and the admins' commands there, and publishes a heartbeat per namespace with its
 * latest revision. Both sockets admit only whitelisted peers (PLAIN, checked by {@link Whitelist}).
 *
 * <p>Threads: one server thread owns the ROUTER and the heartbeat timer; {@link #publish} may be
 * called from any thread and holds a lock across commit and publication, so revisions leave in
 * order. Replicas (several servers on one PostgreSQL store) learn of each other's revisions from
 * the store's {@link RevisionFeed}, whose thread publishes them under the same lock and by the
 * same path ({@link #announce}); every UPDATE this server sends follows the one before it by one
 * revision (missing ones are read from the history first). See config-center/PROTOCOL.md.
 */
public final class ConfigServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigServer.class);
    /** Revisions per SYNC reply; the agent asks again for more. */
    static final int SYNC_PAGE = 100;
    /** Behind by more than this, a node gets a snapshot rather than the history. */
    static final int SNAPSHOT_THRESHOLD = 200;
    /** Largest snapshot chunk (values plus keys), and most keys in one. */
    static final int CHUNK_BYTES = 256 * 1024;
    static final int CHUNK_KEYS = 512;
    /** The retry hint of a {@code busy} ERROR. */
    static final Duration BUSY_RETRY = Duration.ofMillis(250);
    private static final Duration DROP_LOG_INTERVAL = Duration.ofSeconds(10);
    /** Most requests read in one go before the puts among them are committed and answered. */
    static final int MAX_BATCH = 256;
    /** Longest REPORT error kept, in characters; the rest is cut. */
    static final int MAX_REPORT_ERROR = 1000;

    private final ConfigStore store;
    private final Whitelist whitelist;
    private final NodeTracker tracker = new NodeTracker();
    private final Duration heartbeat;
    private final ZmtpContext context;
    private final boolean ownsContext;
    private final Socket pub;
    private final Socket router;
    private final ReentrantLock publishLock = new ReentrantLock();
    /** Per namespace, the last revision published (an UPDATE sent or skipped on purpose); under publishLock. */
    private final Map<String, Long> published = new java.util.HashMap<>();
    /**
     * Per namespace, the {@link ConfigStore#syncFacts} read for the batch of requests being handled
     * (or by its last heartbeat): the SYNCs of a batch share one read, so a replica that takes over
     * a lost one's agents answers their SYNCs without a database round trip each. Cleared when a
     * batch starts and whenever this server changes the store (puts, admin commands); another
     * replica's commit reaches the agents as an UPDATE from the feed, as it would had the SYNC been
     * answered a moment earlier. Server thread only.
     */
    private final Map<String, ConfigStore.SyncFacts> factsOfBatch = new java.util.HashMap<>();
    /** The most revisions one {@link #announce} replays from the history; beyond, agents resync. */
    static final int MAX_REPLAY = 1000;
    private final RevisionFeed feed;
    /** Writes the nodes' reports off the server thread (each heartbeat asks for a batch). */
    private final ReportWriter reportWriter;
    private final AdminOps admin;
    private final GrayView gray;
    private final Thread thread;
    private final String updatesEndpoint;
    private final String syncEndpoint;
    private final AnswerBudget budget;
    private final ServerMetrics metrics;
    private final boolean ownsMetrics;
    /**
     * Per namespace, the last revision sent as an UPDATE in this run (for the rollout gauges, and to
     * answer a sync from one revision behind without reading the history).
     */
    private final Map<String, Revision> lastSent = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Per namespace, the revision of the last UPDATE sent since its last heartbeat; under
     * publishLock. A heartbeat that would announce that same revision is not sent: the UPDATE
     * said it, and every subscriber that got it heard the server then.
     */
    private final Map<String, Long> updatedSinceBeat = new java.util.HashMap<>();
    private volatile boolean running = true;
    /**
     * The longest the server thread waits for a request before it looks at {@link #running} again,
     * so that {@link #close} returns in about this long rather than in up to a heartbeat interval.
     * Closing the ROUTER under the thread would wake it at once, but could cut a batch in half
     * (puts committed and never acknowledged); an interrupt could reach a store's file channel.
     */
    private static final long STOP_CHECK_NANOS = 100_000_000L;
    /** Why the server thread stopped by itself (an Error escaped it), or null. */
    private volatile Throwable failure;
    private volatile Consumer<Throwable> onFailure;
    /** Requests dropped unanswered since the last log line about them; server thread only. */
    private long droppedSinceLog;
    private long droppedLoggedAt;
    /** The reason of a refusal because the address is out of {@link AuthFailureLimit} tokens. */
    public static final String RATE_LIMITED = "too many failed attempts from this address";
    private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofSeconds(10);
    private final AuthFailureLimiter authFailures;
    private final RefusalLogLine refusalLogLine = new RefusalLogLine(REFUSAL_LOG_INTERVAL);
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refusedReports = new AtomicLong();
    /**
     * This server run's incarnation id, sent in HEARTBEAT and SYNCED: within one run a
     * namespace's revision only grows, so an agent told of a lower revision under the same epoch
     * knows the heartbeat is merely late, and under another epoch that the store really went back.
     */
    private final String epoch = newEpoch();

    /**
     * Starts a server.
     *
     * @param updates the PUB endpoint to bind, e.g. {@code tcp://*:5570}
     * @param sync    the ROUTER endpoint to bind, e.g. {@code tcp://*:5571}
     */
    public ConfigServer(ConfigStore store, Whitelist whitelist, String updates, String sync, Duration heartbeat,
                        ZmtpContext sharedContext) {
        this(store, whitelist, updates, sync, heartbeat, sharedContext, null);
    }

    /**
     * A server whose sockets are CURVE servers with {@code curveKeys} (null: PLAIN): the traffic is
     * encrypted and nodes are known by their public keys ({@code curve:<Z85>} in the whitelist).
     */
    public ConfigServer(ConfigStore store, Whitelist whitelist, String updates, String sync, Duration heartbeat,
                        ZmtpContext sharedContext, io.zmtp.codec.curve.CurveKeyPair curveKeys) {
        this(store, whitelist, updates, sync, heartbeat, sharedContext, curveKeys, ServerLimits.DEFAULTS);
    }

    /** A server with its own {@link ServerLimits} on what it holds for nodes that do not read. */
    public ConfigServer(ConfigStore store, Whitelist whitelist, String updates, String sync, Duration heartbeat,
                        ZmtpContext sharedContext, io.zmtp.codec.curve.CurveKeyPair curveKeys, ServerLimits limits) {
        this(store, whitelist, updates, sync, heartbeat, sharedContext, curveKeys, limits, AuthFailureLimit.DEFAULTS);
    }

    /** A server with its own limit on failed authentications per source address ({@link AuthFailureLimit#OFF}: none). */
    public ConfigServer(ConfigStore store, Whitelist whitelist, String updates, String sync, Duration heartbeat,
                        ZmtpContext sharedContext, io.zmtp.codec.curve.CurveKeyPair curveKeys, ServerLimits limits,
                        AuthFailureLimit authFailureLimit) {
        this(store, whitelist, updates, sync, heartbeat, sharedContext, curveKeys, limits, authFailureLimit, null);
    }

    /**
     * A server whose meters go to {@code metrics} (null: a {@link ServerMetrics} of its own, closed
     * with the server; one given is the caller's to close).
     */
    public ConfigServer(ConfigStore store, Whitelist whitelist, String updates, String sync, Duration heartbeat,
                        ZmtpContext sharedContext, io.zmtp.codec.curve.CurveKeyPair curveKeys, ServerLimits limits,
                        AuthFailureLimit authFailureLimit, ServerMetrics metrics) {
        this.ownsMetrics = metrics == null;
        this.metrics = ownsMetrics ? new ServerMetrics() : metrics;
        this.authFailures = new AuthFailureLimiter(authFailureLimit);
        this.store = store;
        this.whitelist = whitelist;
        this.heartbeat = heartbeat;
        this.ownsContext = sharedContext == null;
        this.context = ownsContext ? new ZmtpContext() : sharedContext;
        int pruned = store.pruneReports();
        if (pruned > 0) {
            log.info("config server: deleted {} stored reports of namespaces it does not hold", pruned);
        }
        tracker.restore(store.reports());
        for (String ns : store.namespaces()) {
            published.put(ns, store.latestRevision(ns));  // what came before this run is not news
        }
        this.admin = new AdminOps(this, store, whitelist, tracker);
        this.gray = new GrayView(store);
        try {
            pub = context.socket(SocketType.PUB);
            pub.options().linger(0).sendHwm(100_000);
            router = context.socket(SocketType.ROUTER);
            router.options().linger(0).sendHwm(100_000).receiveTimeout(heartbeat.toMillis());
            Wire.boundInbound(router.options(), store.limits());
            // What a connection's unread requests may hold, whatever their number (an admin's put
            // beyond it is still taken whole; the socket then stops reading that connection).
            router.options().receiveHwmBytes(16L << 20);
            // Subscribers send only subscriptions (a namespace topic) to the PUB socket.
            pub.options().maxMsgSize(64 * 1024).maxMessageSize(64 * 1024).maxMessageFrames(16).receiveHwmBytes(1 << 20);
            if (curveKeys == null) {
                pub.options().plainServer(authenticator("updates"));
                router.options().plainServer(authenticator("sync"));
            } else {
                for (Socket s : new Socket[] {pub, router}) {
                    s.options().curveServer(true).curveSecretKey(curveKeys.secretKey());
                }
                pub.options().authenticator(authenticator("updates"));
                router.options().authenticator(authenticator("sync"));
            }
            this.updatesEndpoint = pub.bind(updates);
            this.syncEndpoint = router.bind(sync);
            this.budget = new AnswerBudget(router, limits);
            this.metrics.bindSockets(router, pub);
            this.metrics.nodeStates(this::nodeStateCounts);
        } catch (RuntimeException e) {
            if (ownsContext) {
                context.close();
            }
            if (ownsMetrics) {
                this.metrics.close();
            }
            throw e;
        }
        // Revisions committed by other servers on the same store (none for a store of its own).
        this.feed = store.follow(this::announce);
        this.reportWriter = new ReportWriter(store, tracker, "config-report-writer");
        this.thread = new Thread(this::run, "config-server");
        thread.setDaemon(true);
        thread.start();
        log.info("config server: updates on {}, sync on {}, {} namespaces, {} whitelisted nodes",
                updatesEndpoint, syncEndpoint, store.namespaces().size(), whitelist.nodes().size());
    }

    /**
     * The whitelist's check behind the failure limit: an address out of tokens is refused before
     * its credentials are looked at; every refusal is recorded, logged (at most a line per
     * interval) and takes a token from its address.
     */
    private Authenticator authenticator(String port) {
        Authenticator check = whitelist.authenticator(port, r -> {
            authFailures.failed(r.address());
            refused(r, false);
        });
        return request -> {
            if (!authFailures.mayTry(request.address())) {
                refused(new Whitelist.Refusal(Whitelist.claimedUser(request), request.address(), RATE_LIMITED,
                        Instant.now(), port), true);
                return CompletableFuture.completedFuture(AuthResult.denied(RATE_LIMITED));
            }
            return check.authenticate(request);
        };
    }

    /** What a sign-in with an admin's name and password came to (the web console's). */
    public enum SignIn { OK, REFUSED, RATE_LIMITED }

    /**
     * Checks an admin's password for a login that does not come over ZMTP (the web console's),
     * under the same rules as the sockets' logins: the per-address limit on failed attempts, and
     * every refusal in the refusal log and status with {@code port} (e.g. "console").
     */
    public SignIn signIn(String name, String password, String address, String port) {
        if (!authFailures.mayTry(address)) {
            refused(new Whitelist.Refusal(name, address, RATE_LIMITED, Instant.now(), port), true);
            return SignIn.RATE_LIMITED;
        }
        if (whitelist.adminPassword(name, password)) {
            return SignIn.OK;
        }
        authFailures.failed(address);
        refused(new Whitelist.Refusal(name, address, "wrong admin name or password", Instant.now(), port), false);
        return SignIn.REFUSED;
    }

    private void refused(Whitelist.Refusal r, boolean rateLimited) {
        metrics.refused(r.port(), rateLimited);
        tracker.refused(r);
        refusalLogLine.refused(r, rateLimited);
    }

    public String updatesEndpoint() {
        return updatesEndpoint;
    }

    public String syncEndpoint() {
        return syncEndpoint;
    }

    /** This run's incarnation id (see PROTOCOL.md, HEARTBEAT). */
    public String epoch() {
        return epoch;
    }

    private static String newEpoch() {
        byte[] b = new byte[8];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    /** The admin {@code status} result: per node and namespace, the revision and digest it applied. */
    public ObjectNode status() {
        return admin.status();
    }

    /** The server's meters ({@link ServerMetrics#scrape()} gives their Prometheus text). */
    public ServerMetrics metrics() {
        return metrics;
    }

    public NodeTracker tracker() {
        return tracker;
    }

    public ConfigStore store() {
        return store;
    }

    public Whitelist whitelist() {
        return whitelist;
    }

    /** How long a node may be silent before it counts as offline (three heartbeats). */
    public Duration offlineAfter() {
        return heartbeat.multipliedBy(3);
    }

    /** Commits a change set and publishes it; the rollout reports which nodes applied it. */
    public Rollout publish(String namespace, List<Change> changes, String author, String message) {
        return publish(namespace, changes, author, "", message);
    }

    /** {@link #publish(String, List, String, String)} recording the admin connection's address. */
    public Rollout publish(String namespace, List<Change> changes, String author, String source, String message) {
        return committed(namespace, () -> store.commit(namespace, changes, author, source, message));
    }

    /**
     * Namespaces known to exist (a namespace, once it has a revision, never goes away), so that the
     * thousand REPORTs a second of a large fleet do not each ask the store. Server thread only.
     */
    private final java.util.Set<String> existing = new java.util.HashSet<>();

    /** Admin puts received and not committed yet, in order; the server thread's only. */
    private final List<PendingPut> pendingPuts = new ArrayList<>();

    /** An admin put waiting for the group commit: the change set, and where its answer goes. */
    private record PendingPut(ConfigStore.Commit commit, ObjectNode request, ObjectNode answer, Reply reply,
                              long receivedNanos) {
    }

    /**
     * Holds an admin put until the requests that arrived with it are read (see {@link #run}): then
     * all the puts are committed at once and answered in order. Server thread only.
     */
    void queuePut(ConfigStore.Commit commit, ObjectNode request, ObjectNode answer, Reply reply) {
        pendingPuts.add(new PendingPut(commit, request, answer, reply, System.nanoTime()));
    }

    /**
     * Commits the waiting puts with one {@link ConfigStore#commitAll}, publishes each revision in
     * order, then answers each put: its revision, or why it was refused. Server thread only.
     */
    private void flushPuts() {
        if (pendingPuts.isEmpty()) {
            return;
        }
        List<PendingPut> batch = List.copyOf(pendingPuts);
        pendingPuts.clear();
        factsOfBatch.clear();
        List<ConfigStore.Outcome> outcomes;
        publishLock.lock();
        try {
            try {
                outcomes = store.commitAll(batch.stream().map(PendingPut::commit).toList());
            } catch (RuntimeException e) {
                log.error("committing {} put(s) failed", batch.size(), e);
                for (PendingPut p : batch) {
                    p.reply().error(p.request(), "internal", "the server failed on this request: " + e);
                }
                return;
            }
            for (int i = 0; i < outcomes.size(); i++) {
                ConfigStore.Outcome o = outcomes.get(i);
                if (o.revision() != null) {
                    publishThrough(o.revision().namespace(), o.revision().number(), o.revision());
                    metrics.publishLatency(batch.get(i).receivedNanos());
                }
            }
        } finally {
            publishLock.unlock();
        }
        for (int i = 0; i < batch.size(); i++) {
            PendingPut p = batch.get(i);
            ConfigStore.Outcome o = outcomes.get(i);
            if (o.revision() != null) {
                AdminOps.revision(p.answer(), o.revision());
                p.reply().result(p.answer(), null);
            } else if (o.refused() instanceof GrayStateException g) {
                p.reply().error(p.request(), g.code(), g.getMessage());
            } else if (o.refused() instanceof ConfigLimitException) {
                p.reply().error(p.request(), "too-large", o.refused().getMessage());
            } else if (o.refused() instanceof IllegalArgumentException) {
                p.reply().error(p.request(), "bad-request", o.refused().getMessage());
            } else {
                p.reply().error(p.request(), "internal", "the server failed on this request: " + o.refused());
            }
        }
    }

    /**
     * Commits with {@code commit} and publishes the revision, under the lock that keeps revisions
     * leaving in order; the publish latency runs from the call to the UPDATE sent.
     */
    private Rollout committed(String namespace, java.util.function.Supplier<Revision> commit) {
        long start = System.nanoTime();
        publishLock.lock();
        try {
            Revision r = commit.get();
            publishThrough(namespace, r.number(), r);
            metrics.publishLatency(start);
            return new Rollout(r, whitelist, tracker, offlineAfter());
        } finally {
            publishLock.unlock();
        }
    }

    /** Rolls {@code namespace} back to the content of {@code revision}, as a new revision. */
    public Rollout rollback(String namespace, long revision, String author, String message) {
        return rollback(namespace, revision, author, "", message);
    }

    /** {@link #rollback(String, long, String, String)} recording the admin connection's address. */
    public Rollout rollback(String namespace, long revision, String author, String source, String message) {
        return committed(namespace, () -> store.rollback(namespace, revision, author, source, message));
    }

    /**
     * Opens a gray release: {@code changes} become the namespace's next revision for the nodes
     * {@code selector} picks (resolved now, online nodes first for a count or share) and for
     * nobody else. Nothing goes out on the PUB socket; the selected nodes learn of it from the
     * heartbeat and get it by SYNC (see PROTOCOL.md, "Gray release").
     *
     * @throws IllegalArgumentException for a selector that does not parse
     * @throws GrayStateException {@code no-match} when it picks nobody, {@code gray-open} when a
     *     gray release of the namespace is open already
     */
    public Rollout publishGray(String namespace, List<Change> changes, String author, String source, String message,
                               String selector) {
        GraySelector to = GraySelector.parse(selector);
        List<String> nodes = to.resolve(namespace, List.copyOf(whitelist.nodes()), id -> tracker.online(id, offlineAfter()));
        if (nodes.isEmpty()) {
            throw new GrayStateException(GrayStateException.NO_MATCH, "gray selector '" + selector
                    + "' matches no node that may read " + namespace);
        }
        publishLock.lock();
        try {
            Revision r = store.openGray(namespace, changes, author, source, message, selector, nodes);
            return new Rollout(r, whitelist, tracker, offlineAfter(), java.util.Set.copyOf(nodes));
        } finally {
            publishLock.unlock();
        }
    }

    /** Makes the open gray revision everyone's and publishes it as an UPDATE (its nodes hold it already). */
    public Rollout promote(String namespace, String author, String source, String message) {
        return committed(namespace, () -> store.promoteGray(namespace, author, source, message));
    }

    /**
     * Withdraws the open gray release: the store commits the gray revision G, marked aborted, and
     * G + 1 with the main line's content; only G + 1 is published (gray nodes apply it as the next
     * revision, the others see a jump, sync, and get a snapshot).
     */
    public Rollout abort(String namespace, String author, String source, String message) {
        return committed(namespace, () -> store.abortGray(namespace, author, source, message));
    }

    /** A rollout view of an already published revision, or of the open gray revision (its nodes only). */
    public Rollout rollout(String namespace, long revision) {
        java.util.Optional<GrayRelease> open = store.grayRelease(namespace);
        if (open.isPresent() && open.get().number() == revision) {
            return new Rollout(open.get().revision(), whitelist, tracker, offlineAfter(), java.util.Set.copyOf(open.get().nodes()));
        }
        Revision r = store.history(namespace, revision - 1, 1).stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no revision " + revision + " in " + namespace));
        return new Rollout(r, whitelist, tracker, offlineAfter());
    }

    /**
     * Publishes {@code namespace}'s revisions up to {@code revision} that this server has not
     * published yet, in order: called by the store's {@link RevisionFeed} (on its thread) when a
     * replica on the same store, or this server, committed one. Nothing happens for a revision
     * already published.
     */
    void announce(String namespace, long revision) {
        publishLock.lock();
        try {
            publishThrough(namespace, revision, null);
        } finally {
            publishLock.unlock();
        }
    }

    /**
     * Sends an UPDATE for each revision after the last published one up to {@code upTo}; the last
     * is {@code last} when the caller has it (its own commit), the others come from the history.
     * Revisions no longer in the history (pruned), or more than {@link #MAX_REPLAY} of them, are
     * skipped: agents see the jump (or the next heartbeat) and sync. Under publishLock.
     */
    private void publishThrough(String namespace, long upTo, Revision last) {
        long done = published.getOrDefault(namespace, 0L);
        if (upTo <= done) {
            return;
        }
        long fromHistory = last != null ? upTo - 1 : upTo;
        if (fromHistory - done > MAX_REPLAY) {
            log.info("{}: {} revisions made elsewhere at once; agents will sync them", namespace, fromHistory - done);
            done = fromHistory;
        }
        // An aborted gray revision is never published: its nodes got it by SYNC, and nobody else may.
        java.util.Set<Long> aborted = fromHistory > done ? gray.abortedIn(namespace, done, fromHistory) : java.util.Set.of();
        while (done < fromHistory) {
            List<Revision> page;
            try {
                page = store.history(namespace, done, (int) Math.min(SYNC_PAGE, fromHistory - done));
            } catch (RuntimeException e) {
                if (last == null) {
                    throw e;  // the feed offers the revision again at its next read
                }
                // Our own commit is done: publish it; agents see the jump and sync the rest.
                log.warn("{}: cannot read revisions {}-{} to publish them ({}); agents will sync them", namespace,
                        done + 1, fromHistory, e.toString());
                page = List.of();
            }
            if (page.isEmpty()) {
                done = fromHistory;
                break;
            }
            for (Revision r : page) {
                if (r.number() > fromHistory) {
                    break;
                }
                if (!aborted.contains(r.number())) {
                    sendUpdate(r);
                }
                done = r.number();
            }
        }
        if (last != null) {
            sendUpdate(last);
            done = last.number();
        }
        published.put(namespace, done);
    }

    private void sendUpdate(Revision r) {
        Message m = Message.of(Wire.topic(r.namespace())).add(Wire.UPDATE)
                .add(Wire.json(Wire.revisionHeader(r)));
        Wire.withValues(m, r.changes());
        lastSent.put(r.namespace(), r);
        metrics.published(r, waitingFor(r));
        if (pub.trySend(m)) {
            updatedSinceBeat.put(r.namespace(), r.number());
        } else {
            // Nodes that miss it notice from the next heartbeat and resync.
            m.close();
            updatedSinceBeat.remove(r.namespace());
            log.warn("update {} r{} not queued (publisher full)", r.namespace(), r.number());
        }
    }

    /** The online nodes that may read {@code r}'s namespace and have not reported it yet. */
    private java.util.Set<String> waitingFor(Revision r) {
        java.util.Set<String> waiting = new java.util.HashSet<>();
        Instant since = Instant.now().minus(offlineAfter());
        for (Whitelist.Node n : whitelist.nodes()) {
            Instant seen = tracker.lastSeen(n.id());
            if (seen == null || !seen.isAfter(since) || !n.mayRead(r.namespace())) {
                continue;
            }
            NodeReport report = tracker.report(n.id(), r.namespace());
            if (report == null || report.revision() < r.number()) {
                waiting.add(n.id());
            }
        }
        return waiting;
    }

    /**
     * What the node gauges show: whitelisted nodes online and offline, and per (node, namespace)
     * the state against the last revision this run sent; read at most once a second.
     */
    private Map<String, Long> nodeStateCounts() {
        Map<String, Long> counts = new java.util.HashMap<>();
        Duration off = offlineAfter();
        for (Whitelist.Node n : whitelist.nodes()) {
            counts.merge(tracker.online(n.id(), off) ? "online" : "offline", 1L, Long::sum);
        }
        for (Revision r : lastSent.values()) {
            for (Rollout.State st : new Rollout(r, whitelist, tracker, off).states().values()) {
                counts.merge("rollout." + st.name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
            }
        }
        return counts;
    }

    private void sendHeartbeats() {
        publishLock.lock();
        try {
            for (String ns : store.namespaces()) {
                // The head, its digest and whether a gray release is open, in one read.
                ConfigStore.SyncFacts head = store.syncFacts(ns);
                factsOfBatch.put(ns, head);  // the freshest there is: the SYNCs that follow use it
                long rev = head.latest();
                String digest;
                // While a selected node has not taken the gray revision, announce it: every node
                // syncs once, and each gets its own view (the others are told they are current).
                java.util.Optional<GrayRelease> g = head.grayOpen() ? store.grayRelease(ns) : java.util.Optional.empty();
                Long updated = updatedSinceBeat.remove(ns);
                if (g.isPresent() && GrayView.lagging(g.get(), tracker, offlineAfter())) {
                    rev = g.get().number();
                    digest = g.get().revision().digest();
                } else if (updated != null && updated == rev) {
                    // The head went out as an UPDATE within the last interval: the fan-out of a
                    // heartbeat would say it again, and could hold up the next revision's.
                    continue;
                } else {
                    digest = head.latestDigest() != null ? head.latestDigest() : headDigest(ns, rev);
                }
                ObjectNode h = Wire.object();
                h.put("ns", ns);
                h.put("rev", rev);
                h.put("digest", digest);
                h.put("time", System.currentTimeMillis());
                h.put("epoch", epoch);
                Message m = Message.of(Wire.topic(ns)).add(Wire.HEARTBEAT).add(Wire.json(h));
                if (!pub.trySend(m)) {
                    m.close();
                }
            }
        } finally {
            publishLock.unlock();
        }
        refusalLogLine.flushIfDue();
        reportWriter.due();
        Instant since = Instant.now().minus(offlineAfter());
        metrics.forget(id -> {
            Instant seen = tracker.lastSeen(id);
            return seen == null || !seen.isAfter(since);
        });
    }

    /**
     * The digest of the latest revision: from its history entry when it is kept (one read), else
     * from the content (the history was pruned past it).
     */
    public String headDigest(String ns, long latest) {
        if (latest > 0) {
            List<Revision> last = store.history(ns, latest - 1, 1);
            if (!last.isEmpty() && last.get(0).number() == latest) {
                return last.get(0).digest();
            }
        }
        return store.snapshot(ns).digest();
    }

    // ------------------------------------------------------------------ the ROUTER side

    /** When the next heartbeat is due (System.nanoTime); server thread only. */
    private long nextBeat;

    /**
     * Sends the heartbeats if they are due. Called between requests too, not only between batches:
     * heartbeats are how agents know the server is alive, and a batch of slow requests (a thousand
     * agents syncing at once after a failover) must not silence them, or the agents move on and
     * bring their syncs to the next server, and back.
     */
    private void beatIfDue() {
        long now = System.nanoTime();
        if (now >= nextBeat) {
            // Set first: a store that fails on every call must not turn this loop into a
            // busy one that logs the same failure as fast as it can.
            nextBeat = now + heartbeat.toNanos();
            sendHeartbeats();
        }
    }

    private void run() {
        while (running) {
            try {
                beatIfDue();
                long untilBeat = nextBeat - System.nanoTime();
                Message m = router.receive(Duration.ofNanos(Math.max(1_000_000, Math.min(untilBeat, STOP_CHECK_NANOS))));
                if (m != null) {
                    budget.newBatch();
                    factsOfBatch.clear();
                    try {
                        // Everything that has arrived, up to a bound: puts among it are committed
                        // together (one disk flush) before anything else is answered.
                        int handled = 0;
                        do {
                            try (Message request = m) {
                                handle(request);
                            }
                            beatIfDue();
                        } while (++handled < MAX_BATCH && (m = router.tryReceive()) != null);
                    } finally {
                        flushPuts();
                    }
                }
            } catch (IllegalStateException closed) {
                if (running) {
                    log.error("config server stopped: {}", closed.toString());
                }
                return;
            } catch (RuntimeException e) {
                log.error("config server: request failed", e);
            } catch (Error e) {
                fail(e);
                return;
            }
        }
    }

    /**
     * An Error (OutOfMemoryError above all) escaped the server thread: nothing it holds can be
     * trusted any more. The server closes its sockets, so it refuses connections instead of
     * accepting and never answering them (agents retry, a supervisor sees it), and tells the
     * {@link #onFailure} handler; the {@code server} command then exits non-zero.
     */
    private void fail(Error e) {
        failure = e;
        running = false;
        try {
            feed.close();
        } catch (Throwable feedFailed) {
            e.addSuppressed(feedFailed);
        }
        try {
            log.error("config server failed and stops: {}", e.toString(), e);
        } catch (Throwable ignored) {
            // No memory even to log: closing and telling the handler matter more.
        }
        try {
            pub.close();
            router.close();
        } catch (Throwable closeFailed) {
            e.addSuppressed(closeFailed);
        }
        Consumer<Throwable> handler = onFailure;
        if (handler != null) {
            handler.accept(e);
        }
    }

    /**
     * Sets what to do when the server thread fails (the server has already closed its sockets);
     * called at once if it already failed. The {@code server} command exits the process.
     */
    public void onFailure(Consumer<Throwable> handler) {
        this.onFailure = handler;
        Throwable f = failure;
        if (f != null && handler != null) {
            handler.accept(f);
        }
    }

    /** Why the server stopped by itself, or null while it runs (or was closed normally). */
    public Throwable failure() {
        return failure;
    }

    /**
     * Requests that needed an answer: answered, refused with {@code busy}, and dropped unanswered
     * (see {@link ServerLimits}).
     */
    public record RequestCounts(long answered, long busy, long dropped) {
    }

    /** How the server dealt with requests that needed an answer, since it started. */
    public RequestCounts requests() {
        return new RequestCounts(answered.get(), busy.get(), dropped.get());
    }

    /** Bytes of answers queued for nodes and not yet taken by their connections (see {@link ServerLimits}). */
    public long unreadAnswerBytes() {
        long total = 0;
        for (io.zmtp.socket.pipe.PeerInfo p : router.peers()) {
            total += p.outboundBytes() + (long) p.outboundDepth() * AnswerBudget.MESSAGE_COST;
        }
        return total;
    }

    /** The remote address of the ROUTER connection with this routing id, or "" if it is gone. */
    private String peerAddress(byte[] routingId) {
        for (io.zmtp.socket.pipe.PeerInfo p : budget.peers()) {
            if (p.routingId() != null && java.util.Arrays.equals(p.routingId(), routingId)) {
                java.net.SocketAddress a = p.remoteAddress();
                if (a instanceof java.net.InetSocketAddress in && in.getAddress() != null) {
                    return in.getAddress().getHostAddress() + ":" + in.getPort();
                }
                return a == null ? "" : a.toString();
            }
        }
        return "";
    }

    /** True while the server thread runs. */
    public boolean isServing() {
        return thread.isAlive() && failure == null;
    }

    /** One request: [routing id] [optional empty delimiter] command header [value frames]. */
    private void handle(Message m) {
        if (m.size() < 2) {
            return;
        }
        int at = 1;
        boolean delimited = m.frame(1).readableBytes() == 0;
        if (delimited) {
            at = 2;
        }
        String user = m.userId();
        Reply reply = new Reply(m.bytes(0), delimited, user);
        ObjectNode h;
        String command;
        try {
            if (m.size() < at + 2) {
                throw new Wire.ProtocolException("a request is a command frame and a JSON header");
            }
            command = m.string(at);
            h = Wire.header(m.bytes(at + 1));
        } catch (Wire.ProtocolException e) {
            reply.error(null, "bad-request", e.getMessage());
            return;
        }
        long req;
        try {
            req = Wire.requestNumber(h);
        } catch (Wire.ProtocolException e) {
            reply.error(h, "bad-request", e.getMessage());
            return;
        }
        if (!(command.equals(Wire.REPORT) || (command.equals(Wire.ADMIN) && "put".equals(h.path("op").asText(null))
                && !h.has("to")))) {
            flushPuts();  // what comes next must see the puts before it committed, and answered first
        }
        try {
            if (Whitelist.isAdmin(user)) {
                if (!command.equals(Wire.ADMIN)) {
                    throw new Wire.ProtocolException("admins send ADMIN commands");
                }
                if (!mayAnswer(user, reply, h, null)) {
                    return;
                }
                factsOfBatch.clear();  // an admin command may open, abort or promote a gray release, or prune
                admin.handle(user, peerAddress(reply.id), h, m, at + 2, reply);
                return;
            }
            String node = Wire.text(h, "node");
            if (!node.equals(user)) {
                log.warn("node '{}' claimed to be '{}'; refused", UntrustedText.of(user), UntrustedText.of(node));
                reply.error(h, "identity", "authenticated as '" + user + "', not '" + node + "'");
                return;
            }
            tracker.seen(node);
            if (reply.delimited) {
                // A REQ socket expects exactly one answer per request: SYNC has several and REPORT
                // none, so a REQ agent would wedge (EFSM). Say so once, as its one answer.
                reply.error(h, "bad-request", command + " needs a DEALER socket: a SYNC is answered with several"
                        + " messages and a REPORT with none (a REQ socket suits ADMIN only)");
                return;
            }
            switch (command) {
                case Wire.SYNC -> {
                    String ns = Namespaces.validate(Wire.text(h, "ns"));
                    if (mayAnswer(node, reply, h, ns)) {
                        sync(node, ns, h, reply, req);
                        budget.syncSent(reply.id, ns);
                    }
                }
                case Wire.REPORT -> report(node, h, reply);
                default -> reply.error(h, "bad-request", "unknown command '" + command + "'");
            }
        } catch (Wire.ProtocolException | IllegalArgumentException e) {
            reply.error(h, "bad-request", e.getMessage());
        } catch (ConfigLimitException e) {
            reply.error(h, "too-large", e.getMessage());
        } catch (GrayStateException e) {
            reply.error(h, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("request {} from {} failed", UntrustedText.of(command), UntrustedText.of(user), e);
            reply.error(h, "internal", "the server failed on this request: " + e);
        }
    }

    /**
     * Asks the {@link AnswerBudget} whether this request may be answered; refuses it with ERROR
     * {@code busy} (and a retry hint) or drops it otherwise.
     */
    private boolean mayAnswer(String user, Reply reply, ObjectNode h, String syncOf) {
        AnswerBudget.Decision d = budget.check(user, reply.id, syncOf);
        switch (d.verdict()) {
            case ANSWER -> {
                answered.incrementAndGet();
                return true;
            }
            case BUSY -> {
                busy.incrementAndGet();
                ObjectNode e = errorHeader(h, "busy", d.reason());
                e.put("retry", BUSY_RETRY.toMillis());
                reply.send(Message.of(Wire.ERROR).add(Wire.json(e)));
                return false;
            }
            default -> {
                dropped.incrementAndGet();
                droppedSinceLog++;
                long now = System.nanoTime();
                if (now - droppedLoggedAt > DROP_LOG_INTERVAL.toNanos()) {
                    droppedLoggedAt = now;
                    log.warn("dropped {} requests unanswered from nodes that do not read their answers (last: {})",
                            droppedSinceLog, UntrustedText.of(user));
                    droppedSinceLog = 0;
                }
                return false;
            }
        }
    }

    private void sync(String node, String ns, ObjectNode h, Reply reply, long req) {
        Whitelist.Node n = whitelist.node(node);
        if (n == null || !n.mayRead(ns)) {
            reply.error(h, "forbidden", "node " + node + " may not read " + ns);
            return;
        }
        long from = Wire.count(h, "from");
        // The head, the history's reach and the gray state: one read (one round trip on
        // PostgreSQL) for all the SYNCs of this namespace in the batch; then the history page, if any.
        ConfigStore.SyncFacts facts = factsOfBatch.computeIfAbsent(ns, store::syncFacts);
        if (facts.grayOpen()) {
            java.util.Optional<GrayRelease> open = gray.selecting(ns, node);
            if (open.isPresent()) {
                syncGray(open.get(), from, reply, req);
                return;
            }
        }
        long latest = facts.latest();
        long oldest = facts.oldest();
        // A node that is current needs no history; only one that is behind makes us check how far it goes.
        boolean historyCovers = from >= 0 && from <= latest && (from == latest || (oldest > 0 && oldest <= from + 1));
        // A node that does not hold an aborted gray revision must get past it without it: a snapshot.
        if (historyCovers && latest - from <= SNAPSHOT_THRESHOLD && !facts.abortedAfter(from)) {
            List<Revision> page = from == latest ? List.of() : historyAfter(ns, from, latest);
            String digest = from != latest ? null : facts.latestDigest() != null ? facts.latestDigest() : headDigest(ns, latest);
            long rev = from;
            for (Revision r : page) {
                ObjectNode rh = Wire.revisionHeader(r);
                rh.put("req", req);
                reply.send(Wire.withValues(Message.of(Wire.REVISION).add(Wire.json(rh)), r.changes()));
                rev = r.number();
                digest = r.digest();
            }
            reply.synced(ns, rev, digest, req, rev < latest);
            return;
        }
        sendSnapshot(store.snapshot(ns), reply, req);
    }

    /**
     * The main line's revisions after {@code from} (a page of them), {@code latest} being the head
     * the store just gave. A node one revision behind (it missed the last UPDATE, or it comes from a
     * replica that died as that revision was published) is answered from the revision this server
     * published last, when that is the head: revisions are immutable and their numbers unique, so it
     * is what the history would return, without the read (half of such a sync's round trips, once per
     * moving agent in a failover). Anything else reads the history.
     */
    private List<Revision> historyAfter(String ns, long from, long latest) {
        Revision last = lastSent.get(ns);
        if (last != null && from == latest - 1 && last.number() == latest) {
            return List.of(last);
        }
        return store.history(ns, from, SYNC_PAGE);
    }

    /**
     * The sync answer of a node the open gray release selected: its view ends at the gray revision
     * G. From G itself, SYNCED; from the main line's history, the revisions up to main then G; from
     * further back (or a revision it cannot hold), a snapshot of G.
     */
    private void syncGray(GrayRelease g, long from, Reply reply, long req) {
        String ns = g.namespace();
        long main = g.number() - 1;
        long oldest = store.oldestRevision(ns);
        if (from == g.number()) {
            reply.synced(ns, from, g.revision().digest(), req, false);
            return;
        }
        boolean historyCovers = from <= main && (from == main || (oldest > 0 && oldest <= from + 1));
        if (historyCovers && g.number() - from <= SNAPSHOT_THRESHOLD && !gray.abortedWithin(ns, from, main)) {
            String digest = from == main ? headDigest(ns, main) : null;
            long rev = from;
            for (Revision r : gray.revisionsTo(g, from, SYNC_PAGE)) {
                ObjectNode rh = Wire.revisionHeader(r);
                rh.put("req", req);
                reply.send(Wire.withValues(Message.of(Wire.REVISION).add(Wire.json(rh)), r.changes()));
                rev = r.number();
                digest = r.digest();
            }
            reply.synced(ns, rev, digest, req, rev < g.number());
            return;
        }
        sendSnapshot(GrayView.content(store.snapshot(ns), g), reply, req);
    }

    /** SNAPSHOT, its CHUNKs and SYNCED. */
    private void sendSnapshot(Snapshot s, Reply reply, long req) {
        String ns = s.namespace();
        ObjectNode sh = Wire.object();
        sh.put("ns", ns);
        sh.put("rev", s.revision());
        sh.put("digest", s.digest());
        sh.put("entries", s.size());
        sh.put("req", req);
        reply.send(Message.of(Wire.SNAPSHOT).add(Wire.json(sh)));
        ObjectNode ch = null;
        Message chunk = null;
        int bytes = 0;
        for (Map.Entry<String, byte[]> e : s.entries().entrySet()) {
            if (chunk == null) {
                ch = Wire.object();
                ch.put("ns", ns);
                ch.put("req", req);
                ch.putArray("keys");
                chunk = new Message();
                bytes = 0;
            }
            ch.withArray("keys").add(e.getKey());
            chunk.add(e.getValue());
            bytes += e.getValue().length + e.getKey().length();
            if (bytes >= CHUNK_BYTES || ch.withArray("keys").size() >= CHUNK_KEYS) {
                reply.send(chunk.push(Wire.json(ch)).push(Wire.CHUNK.getBytes(StandardCharsets.UTF_8)));
                chunk = null;
            }
        }
        if (chunk != null) {
            reply.send(chunk.push(Wire.json(ch)).push(Wire.CHUNK.getBytes(StandardCharsets.UTF_8)));
        }
        reply.synced(ns, s.revision(), s.digest(), req, false);
    }

    /**
     * Takes a REPORT. A namespace the node may not read is refused ({@code forbidden}, before
     * anything else, so a node learns nothing of namespaces outside its grant), and so is one the
     * server does not hold ({@code unknown-namespace}): a report is kept only for a (node, held
     * namespace) pair, so what one node can have stored is bounded by the namespaces it may read.
     */
    private void report(String node, ObjectNode h, Reply reply) {
        String ns = Namespaces.validate(Wire.text(h, "ns"));
        Whitelist.Node n = whitelist.node(node);
        if (n == null || !n.mayRead(ns)) {
            refuseReport(node, reply, h, "forbidden", "node " + node + " may not read " + ns);
            return;
        }
        if (!existing.contains(ns)) {
            if (store.latestRevision(ns) == 0) {
                refuseReport(node, reply, h, "unknown-namespace", "the server holds no namespace " + ns + "; the report is not kept");
                return;
            }
            existing.add(ns);
        }
        String error = null;
        if (h.hasNonNull("error")) {
            error = h.get("error").asText();
            error = error.length() > MAX_REPORT_ERROR ? error.substring(0, MAX_REPORT_ERROR) + "\u2026" : error;
        }
        NodeReport r = new NodeReport(node, ns, Wire.count(h, "rev"), Wire.text(h, "digest"),
                Instant.ofEpochMilli(Wire.number(h, "applied")), Instant.now());
        tracker.report(r, error);
        if (error == null) {
            metrics.applied(ns, node, r.revision());
        }
    }

    /** An ERROR for a refused REPORT, unless the node has not read its earlier answers (then nothing). */
    private void refuseReport(String node, Reply reply, ObjectNode h, String code, String reason) {
        refusedReports.incrementAndGet();
        if (budget.check(node, reply.id, null).verdict() == AnswerBudget.Verdict.ANSWER) {
            reply.error(h, code, reason);
        }
    }

    /** REPORTs refused since the server started (a namespace the node may not read or the server does not hold). */
    public long refusedReports() {
        return refusedReports.get();
    }

    private static ObjectNode errorHeader(ObjectNode request, String code, String reason) {
        ObjectNode h = Wire.object();
        h.put("code", code);
        h.put("reason", reason);
        if (request != null) {
            // A request without a valid req gets an ERROR without one: nothing to echo.
            Wire.validRequestNumber(request).ifPresent(req -> h.put("req", req));
            if (request.has("ns")) {
                h.set("ns", request.get("ns"));
            }
        }
        return h;
    }

    /** Where a request's answers go: its routing id, and the delimiter a REQ peer expects. */
    final class Reply {
        private final byte[] id;
        private final boolean delimited;
        /** The authenticated user the answers go to, for {@link AnswerBudget}. */
        private final String user;

        Reply(byte[] id, boolean delimited, String user) {
            this.id = id;
            this.delimited = delimited;
            this.user = user;
        }

        void send(Message body) {
            if (delimited) {
                body.push(new byte[0]);
            }
            body.push(id);
            budget.queued(user, id, body.byteSize());
            if (!router.trySend(body)) {
                body.close();
                log.warn("reply to {} dropped: router full", UntrustedText.of(new String(id, StandardCharsets.ISO_8859_1)));
            }
        }

        void synced(String ns, long rev, String digest, long req, boolean more) {
            ObjectNode h = Wire.object();
            h.put("ns", ns);
            h.put("rev", rev);
            h.put("digest", digest);
            h.put("req", req);
            h.put("more", more);
            h.put("epoch", epoch);
            send(Message.of(Wire.SYNCED).add(Wire.json(h)));
        }

        void result(ObjectNode h, Message values) {
            Message m = Message.of(Wire.RESULT).add(Wire.json(h));
            if (values != null) {
                for (int i = 0; i < values.size(); i++) {
                    m.add(values.bytes(i));
                }
                values.close();
            }
            send(m);
        }

        void error(ObjectNode request, String code, String reason) {
            send(Message.of(Wire.ERROR).add(Wire.json(errorHeader(request, code, reason))));
        }
    }

    @Override
    public void close() {
        feed.close();
        running = false;
        try {
            thread.join(Math.max(1000, heartbeat.toMillis() * 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pub.close();
        router.close();
        reportWriter.close(Math.max(1000, heartbeat.toMillis() * 2));
        metrics.unbindSockets();
        if (ownsMetrics) {
            metrics.close();
        }
        if (ownsContext) {
            context.close();
        }
    }
}
