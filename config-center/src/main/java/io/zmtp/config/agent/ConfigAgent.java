package io.zmtp.config.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.UntrustedText;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.Namespaces;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import io.zmtp.config.protocol.Wire;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.poll.Poller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A node's view of its namespaces, kept equal to the server's (the ZeroMQ Guide's "Clone"
 * pattern, with digests): it subscribes to updates first, then asks for what it misses (SYNC),
 * buffering updates meanwhile and applying those above the synced revision, so there is no gap
 * and no duplicate. A revision that does not follow on, a digest that does not match, or a
 * heartbeat announcing a later revision makes it resync at once. After each applied revision it
 * writes its cache, calls its listeners, and reports (node, namespace, revision, digest).
 *
 * <p>With several servers (replicas on one store), the agent uses one at a time, in the order
 * given; once in step with it, it keeps sockets to the next one connected but subscribed to
 * nothing (the standby). When it hears nothing from its server (no heartbeat, no answer) for
 * {@code failoverAfter}, or that server's connection drops while the standby's is up, it closes
 * its sockets, moves to the standby's (subscribing them) or to new ones to the next server, and
 * syncs every namespace from the revision it holds. Revisions are applied in order, each once, whichever server sends them.
 *
 * <p>Updates (the SUB) are handled on the event loop that receives them: applying a pushed
 * revision, writing the cache, calling the listeners and reporting cost no hand-off to another
 * thread and back, which on a host running many agents was most of an agent's CPU per revision.
 * The agent's own thread holds the DEALER (sync answers), the timers (keepalive reports, sync
 * time-outs) and failover. One lock keeps the two apart, so the state machine sees one event at a
 * time; sockets given up while it is held are closed after it is released (a socket's close
 * waits for its event loop, which may be waiting for the lock). {@link #get}, {@link #snapshot}
 * and {@link #revision} read a volatile snapshot and may be called from any thread.
 */
public final class ConfigAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigAgent.class);

    /**
     * Called once per applied revision, one call at a time and in revision order: on the event loop
     * that received a pushed update, or on the agent thread for revisions that came with a sync.
     * It must not block (hand long work to an executor of your own): a blocked listener holds up
     * the agent and, on that event loop, every socket of the context that shares it.
     */
    public interface Listener {
        void applied(String namespace, long revision, List<Change> changes, Snapshot now);
    }

    private final Builder config;
    private final Map<String, NamespaceState> states = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ZmtpContext context;
    private final boolean ownsContext;
    /** The endpoints of one server. */
    public record Endpoints(String updates, String sync) {
    }

    private final List<Endpoints> servers;
    /**
     * The server in use: its sockets. Written by the agent thread only (and read by {@link #server}
     * from any thread).
     */
    private volatile ServerConnection active;
    /**
     * With several servers: the next server's sockets, connected but subscribed to nothing, opened
     * once the agent is in step with its server (not during a start-up or failover storm, when
     * every agent's handshakes compete with the syncs); else null. Agent thread only writes it.
     */
    private volatile ServerConnection standby;
    /** When the current server was last heard from (any message); under the lock. */
    private long lastHeard;
    /** Moves to another server since a message was last heard; each one doubles the silence allowed. */
    private int movesUnheard;
    /** Whether a message came from the current server since the agent moved to it; under the lock. */
    private boolean heardFromThisServer;
    /** With several servers: wakes the agent thread from its poll when a server's connection drops. */
    private final Socket wakeIn;
    private final Socket wakeOut;

    /** Wakes the agent thread out of its poll (any thread). */
    private void wake() {
        if (wakeOut != null) {
            synchronized (wakeOut) {
                Message m = Message.of(new byte[0]);
                if (!wakeOut.trySend(m)) {
                    m.close();  // a wake is pending already
                }
            }
        }
    }
    private final Thread thread;
    /**
     * Held by whoever runs the agent's state machine: the agent thread for the DEALER and the
     * timers, an event loop for the SUB's updates.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /** Connections given up under {@link #lock}; the agent thread closes them once it is released. */
    private final List<ServerConnection> closing = new ArrayList<>();
    private volatile boolean running = true;
    private long nextReq = 1;
    private long lastKeepalive;

    private ConfigAgent(Builder b) {
        this.config = b;
        for (String ns : b.namespaces) {
            Namespaces.validate(ns);
            if (b.writeDir != null) {
                checkWriteDir(b, ns);
            }
            Snapshot initial = Snapshot.empty(ns);
            CacheFile.Cached cached = null;
            if (b.cacheDir != null) {
                try {
                    cached = CacheFile.readNewest(b.cacheDir, ns).orElse(null);
                    if (cached != null) {
                        initial = cached.snapshot();
                        log.info("{}: serving cached {} r{} until the server confirms it", b.nodeId, ns, initial.revision());
                    }
                } catch (IOException | RuntimeException e) {
                    log.warn("{}: cache of {} unreadable, starting empty: {}", b.nodeId, ns, e.toString());
                }
            }
            NamespaceState state = new NamespaceState(ns, initial);
            if (b.cacheDir != null) {
                // The first write goes to the other slot: the good copy stays until the next one is whole.
                state.cache = cached == null ? new CacheFile.Writer(b.cacheDir, ns, 0, 1)
                        : new CacheFile.Writer(b.cacheDir, ns, 1 - cached.slot(), cached.seq() + 1);
            }
            states.put(ns, state);
        }
        this.ownsContext = b.context == null;
        this.context = ownsContext ? new ZmtpContext() : b.context;
        this.servers = List.copyOf(b.servers);
        if (servers.size() > 1) {
            String wakeAt = "inproc://config-agent-wake-" + b.nodeId + "-" + System.identityHashCode(this) + "-" + System.nanoTime();
            wakeIn = context.socket(SocketType.PAIR);
            wakeIn.options().linger(0).receiveHwm(1);
            wakeIn.bind(wakeAt);
            wakeOut = context.socket(SocketType.PAIR);
            wakeOut.options().linger(0).sendHwm(1);
            wakeOut.connect(wakeAt);
        } else {
            wakeIn = null;
            wakeOut = null;
        }
        lock.lock();
        try {
            active = open(0, true);
            lastHeard = System.nanoTime();
            for (NamespaceState s : states.values()) {
                startSync(s, s.revision());
            }
        } finally {
            lock.unlock();
        }
        thread = new Thread(this::run, "config-agent-" + b.nodeId);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Both sockets to server {@code index}; {@code use} subscribes them to the agent's namespaces
     * (the server in use), else they stand by.
     */
    private ServerConnection open(int index, boolean use) {
        Builder b = config;
        List<byte[]> topics = new ArrayList<>();
        for (String ns : b.namespaces) {
            topics.add(Wire.topic(ns));
        }
        ServerConnection c = new ServerConnection(context, index, servers.get(index), s -> {
            s.options().linger(0).receiveHwm(100_000);
            Wire.boundInbound(s.options(), b.limits);
            if (b.curveServerKey != null) {
                s.options().curveServerKey(b.curveServerKey).curveSecretKey(b.curveKeys.secretKey());
            } else {
                s.options().plainCredentials(b.nodeId, b.password);
            }
        }, topics, !use, this::wake);
        c.sub.onMessage(m -> onSubMessage(c, m));
        return c;
    }

    /**
     * A message from a SUB, on its event loop: handled at once if that SUB is the server in use
     * (a standby's subscribes to nothing; a left server's may still deliver while it closes).
     */
    private void onSubMessage(ServerConnection from, Message m) {
        lock.lock();
        try (Message update = m) {
            if (!running || active != from) {
                return;
            }
            heard();
            try {
                onUpdate(update);
            } catch (Wire.ProtocolException | IllegalArgumentException e) {
                log.warn("{}: bad update: {}", config.nodeId, UntrustedText.of(e.getMessage()));
            }
            reportDue();
        } catch (IllegalStateException closed) {
            if (running) {
                log.error("{}: update not handled: {}", config.nodeId, closed.toString());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The server in use said something. */
    private void heard() {
        lastHeard = System.nanoTime();
        movesUnheard = 0;
        heardFromThisServer = true;
    }

    /** The endpoints of the server the agent uses now. */
    public Endpoints server() {
        return active.endpoints;
    }

    /** The standby's endpoints, or null with one server (tests). */
    Endpoints standbyServer() {
        ServerConnection s = standby;
        return s == null ? null : s.endpoints;
    }

    /** True once the standby's sockets are through their handshakes (tests). */
    boolean standbyUp() {
        ServerConnection s = standby;
        return s != null && s.isUp();
    }

    /** The sockets to the server in use (tests: the standby's become these on a move). */
    Socket activeDealer() {
        return active.dealer;
    }

    Socket standbyDealer() {
        ServerConnection s = standby;
        return s == null ? null : s.dealer;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String nodeId() {
        return config.nodeId;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** The namespace as applied now (possibly from the cache while the server is unreachable). */
    public Snapshot snapshot(String namespace) {
        return state(namespace).current;
    }

    public long revision(String namespace) {
        return snapshot(namespace).revision();
    }

    public Optional<byte[]> get(String namespace, String key) {
        return snapshot(namespace).get(key);
    }

    public Optional<String> getString(String namespace, String key) {
        return get(namespace, key).map(v -> new String(v, StandardCharsets.UTF_8));
    }

    /** True once the server confirmed this namespace in this run (false while serving a cache only). */
    public boolean isConfirmed(String namespace) {
        return state(namespace).confirmed;
    }

    /**
     * Why the files of this namespace's current revision (cache, write-dir) could not be written,
     * or null; the agent retries every report interval and reports the revision as failed meanwhile.
     */
    public String writeError(String namespace) {
        return state(namespace).writeError;
    }

    /** Why the server refused this namespace (e.g. not granted to this node), or null. */
    public String failure(String namespace) {
        return state(namespace).failure;
    }

    private NamespaceState state(String namespace) {
        NamespaceState s = states.get(namespace);
        if (s == null) {
            throw new IllegalArgumentException("this agent does not follow namespace " + namespace);
        }
        return s;
    }

    // ------------------------------------------------------------------ the agent thread

    private void run() {
        try {
            while (running) {
                serve();  // returns when the agent moves to another server
            }
        } catch (IllegalStateException closed) {
            if (running) {
                log.error("{}: agent stopped: {}", config.nodeId, closed.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs on the current server's DEALER and the timers until the agent closes or moves to the
     * next server (the SUB is handled on its event loop: {@link #onSubMessage}).
     */
    private void serve() throws InterruptedException {
        ServerConnection using = active;
        Socket dealer = using.dealer;
        try (Poller poller = new Poller()) {
            poller.register(dealer, Poller.POLLIN);
            if (wakeIn != null) {
                poller.register(wakeIn, Poller.POLLIN);
            }
            while (running && active == using) {
                long wait;
                lock.lock();
                try {
                    wait = untilNextTimer();
                } finally {
                    lock.unlock();
                }
                poller.poll(Duration.ofNanos(wait));
                Message m;
                if (wakeIn != null) {
                    while ((m = wakeIn.tryReceive()) != null) {
                        m.close();
                    }
                }
                lock.lock();
                try {
                    while (running && active == using && (m = dealer.tryReceive()) != null) {
                        heard();
                        try (Message reply = m) {
                            onReply(reply);
                        } catch (Wire.ProtocolException | IllegalArgumentException e) {
                            log.warn("{}: bad reply: {}", config.nodeId, UntrustedText.of(e.getMessage()));
                        }
                    }
                    if (running) {
                        timers();
                    }
                } finally {
                    lock.unlock();
                }
                closeGivenUp();
            }
        }
    }

    /** Closes the connections given up under the lock (agent thread, not holding it). */
    private void closeGivenUp() {
        List<ServerConnection> done;
        lock.lock();
        try {
            if (closing.isEmpty()) {
                return;
            }
            done = new ArrayList<>(closing);
            closing.clear();
        } finally {
            lock.unlock();
        }
        done.forEach(ServerConnection::close);
    }

    /**
     * The current server said nothing for {@code failoverAfter}, or its connection dropped while
     * the standby's is up: closes the current sockets (what they still held of it is dropped),
     * subscribes the standby's (or, with none open yet, opens sockets to the next server), which
     * become the current ones, and syncs every namespace from the revision held, as at start; a
     * new standby follows once the agent is in step again ({@link #tendStandby}). Updates buffered
     * or a snapshot half received from the old server are dropped; a rebuild from 0 starts again.
     * The new server's SYNCED brings its epoch.
     */
    private void moveOn(String why) {
        ServerConnection was = active;
        ServerConnection next = standby != null ? standby : open(after(was), true);
        log.warn("{}: leaving {} ({}); moving to {}{}", config.nodeId, was, why, next, standby == next ? " (standby)" : "");
        movesUnheard++;
        closing.add(was);  // closed once the lock is released: its SUB's loop may be waiting for it
        next.subscribe();
        active = next;
        standby = null;
        heardFromThisServer = false;
        lastHeard = System.nanoTime();
        for (NamespaceState s : states.values()) {
            s.buffered.clear();
            s.snapshotContent = null;
            if (s.failure == null) {
                startSync(s, s.rebuilding != null ? 0 : s.revision());
            }
        }
    }

    /** Since when the current server has been silent: its last message or its last completed handshake. */
    private long silenceSince() {
        return Math.max(lastHeard, active.lastContact());
    }

    /**
     * The silence after which the agent moves on: {@code failoverAfter}, doubled for each move since
     * a message was last heard, up to eight times. A fleet that starts at once, or meets servers too
     * busy to answer within {@code failoverAfter}, would otherwise go round the list for ever, each
     * move adding connections and syncs to the load that caused it.
     */
    private long silenceAllowed() {
        return config.failoverAfter.toNanos() << Math.min(movesUnheard, 3);
    }

    /**
     * How long the agent may wait for a message before {@link #timers} has something to do: until
     * the next report, sync timeout or failover deadline, between 1 ms and 1 s. A thousand idle
     * agents in one process then wake a few times a second, not fifty ({@link #close} interrupts
     * the wait).
     */
    private long untilNextTimer() {
        long now = System.nanoTime();
        long interval = config.reportInterval.toNanos();
        long next = now + interval;
        if (servers.size() > 1) {
            next = Math.min(next, silenceSince() + silenceAllowed());
        }
        for (NamespaceState s : states.values()) {
            if (s.reportDue) {
                next = Math.min(next, s.reportAt);
            } else if (s.confirmed) {
                next = Math.min(next, s.reportedAt + interval);
            }
            if (s.writeError != null) {
                next = Math.min(next, lastKeepalive + interval);  // files are written again then
            }
            if (s.syncing) {
                next = Math.min(next, s.syncSentAt + config.syncTimeout.toNanos());
            }
        }
        return Math.max(1_000_000L, Math.min(1_000_000_000L, next - now + 1_000_000L));
    }

    /**
     * Why the agent should leave its server now, or null: it said nothing for the silence allowed
     * (and the standby, if one is open, is up); or, once it has been heard from, its connection
     * dropped and either the standby is up (moving costs a sync, waiting may cost the whole
     * failover time) or reconnecting was refused. A silent server is not left for a standby that
     * is not connected: one the agent cannot reach is no better, and after a failover the standby
     * is the lost server, while the new one may be slow to say anything because it is answering
     * the syncs of every agent that moved to it.
     */
    private String whyMove(long now) {
        ServerConnection c = active;
        ServerConnection next = standby;
        if (now - silenceSince() > silenceAllowed() && (next == null || next.isUp())) {
            return "heard nothing from it for " + silenceAllowed() / 1_000_000 + " ms";
        }
        if (heardFromThisServer && c.gone()) {
            return "connection dropped, reconnect refused";
        }
        if (heardFromThisServer && c.dropped() && next != null && next.isUp()) {
            return "connection dropped, the standby is up";
        }
        return null;
    }

    /** The index of the server after {@code c}'s in the list. */
    private int after(ServerConnection c) {
        return (c.index + 1) % servers.size();
    }

    /**
     * Opens the standby once every namespace is in step with the server (synced, or refused);
     * with three servers or more, moves it on to the one after when it has not connected within
     * the silence allowed (that server is down, and a silent current one would wait on it).
     */
    private void tendStandby(long now) {
        ServerConnection s = standby;
        if (s == null) {
            for (NamespaceState n : states.values()) {
                if (n.syncing || (!n.confirmed && n.failure == null)) {
                    return;
                }
            }
            standby = open(after(active), false);
        } else if (servers.size() > 2 && !s.isUp() && now - s.openedAt() > silenceAllowed()) {
            int next = after(s) == active.index ? after(active) : after(s);
            closing.add(s);
            standby = open(next, false);
        }
    }

    private void timers() {
        long now = System.nanoTime();
        if (servers.size() > 1) {
            String why = whyMove(now);
            if (why != null) {
                moveOn(why);
                return;
            }
            tendStandby(now);
        }
        for (NamespaceState s : states.values()) {
            if (s.syncing && now - s.syncSentAt > config.syncTimeout.toNanos()) {
                log.info("{}: no answer to sync of {} in {}; asking again", config.nodeId, s.namespace, config.syncTimeout);
                startSync(s, s.rebuilding != null ? 0 : s.revision());
            }
        }
        boolean keepalive = now - lastKeepalive > config.reportInterval.toNanos();
        for (NamespaceState s : states.values()) {
            if (keepalive && s.writeError != null && !s.syncing) {
                writeFiles(s);
            }
        }
        for (NamespaceState s : states.values()) {
            // A report after an apply is this namespace's keepalive too.
            if (s.confirmed && now - s.reportedAt >= config.reportInterval.toNanos()) {
                reportIn(s, 0);
            }
        }
        reportDue();
        if (keepalive) {
            lastKeepalive = now;
        }
    }

    /**
     * Reports every confirmed namespace whose revision (or its files' state) changed since its last
     * report, once its report's time has come.
     */
    private void reportDue() {
        long now = System.nanoTime();
        for (NamespaceState s : states.values()) {
            if (s.reportDue && s.confirmed && now - s.reportAt >= 0) {
                report(s);
            }
        }
    }

    /**
     * Makes a report of {@code s} due in {@code delayNanos} (or sooner, if one is due sooner already);
     * a delayed one is sent from the process's report timer.
     */
    private void reportIn(NamespaceState s, long delayNanos) {
        long at = System.nanoTime() + delayNanos;
        if (!s.reportDue || at - s.reportAt < 0) {
            s.reportAt = at;
            if (delayNanos > 0) {
                ReportTimer.schedule(this::reportWhenDue, delayNanos);
            }
        }
        s.reportDue = true;
    }

    /** The report timer's task: sends the reports whose time has come. */
    private void reportWhenDue() {
        lock.lock();
        try {
            if (running) {
                reportDue();
            }
        } catch (IllegalStateException closed) {
            // the agent is closing
        } finally {
            lock.unlock();
        }
    }

    /**
     * How long after applying a pushed revision the agent reports it: a random moment between half
     * of {@code reportDelay} and all of it, so that the reports of a fleet that applied a revision
     * together reach the server spread out, after its fan-out of that revision rather than in the
     * middle of it; 0 with a zero delay.
     */
    private long appliedReportDelay() {
        long d = config.reportDelay.toNanos();
        return d <= 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(d / 2, d + 1);
    }

    private void onUpdate(Message m) {
        if (m.size() < 3) {
            throw new Wire.ProtocolException("an update has a topic, a command and a header");
        }
        String command = m.string(1);
        ObjectNode h = Wire.header(m.bytes(2));
        NamespaceState s = states.get(Wire.text(h, "ns"));
        if (s == null || s.failure != null) {
            return;
        }
        if (command.equals(Wire.UPDATE)) {
            Revision r = Wire.readRevision(h, m, 3);
            if (s.syncing) {
                if (s.buffered.size() < NamespaceState.MAX_BUFFERED) {
                    s.buffered.add(r);
                }
                return;
            }
            if (r.number() <= s.revision()) {
                return;
            }
            if (!apply(s, r)) {
                startSync(s, r.number() == s.revision() + 1 ? 0 : s.revision());
            }
        } else if (command.equals(Wire.HEARTBEAT) && !s.syncing) {
            long rev = Wire.count(h, "rev");
            String digest = Wire.text(h, "digest");
            String epoch = h.hasNonNull("epoch") ? Wire.text(h, "epoch") : null;
            switch (HeartbeatRule.decide(s.revision(), s.current.digest(), s.epoch, rev, digest, epoch)) {
                case SYNC_FROM_HELD -> {
                    log.info("{}: heartbeat says {} is at r{}, we have r{}; resyncing", config.nodeId, s.namespace, rev, s.revision());
                    startSync(s, s.revision());
                }
                case SYNC_FROM_ZERO -> {
                    log.warn("{}: {} r{} differs from the server's r{} (epoch {}); taking a full snapshot", config.nodeId,
                            s.namespace, s.revision(), rev, UntrustedText.of(String.valueOf(epoch)));
                    startSync(s, 0);
                }
                case NONE -> {
                    if (rev == s.revision() && epoch != null) {
                        s.epoch = epoch;  // a new server run that holds the same content
                    }
                }
            }
        }
    }

    private void onReply(Message m) {
        if (m.size() < 2) {
            throw new Wire.ProtocolException("a reply has a command and a header");
        }
        String command = m.string(0);
        ObjectNode h = Wire.header(m.bytes(1));
        NamespaceState s = states.get(h.path("ns").asText(""));
        if (s == null || !s.syncing || h.path("req").asLong(-1) != s.syncReq) {
            return;  // a late answer to an abandoned sync
        }
        // The sync timeout runs from the last answer, not from the request: a large snapshot that
        // takes longer than the timeout to arrive is not abandoned (and asked for again) halfway.
        s.syncSentAt = System.nanoTime();
        switch (command) {
            case Wire.REVISION -> {
                Revision r = Wire.readRevision(h, m, 2);
                if (s.rebuilding != null) {
                    Snapshot next = r.number() > s.rebuilding.revision() ? s.next(s.rebuilding, r) : s.rebuilding;
                    if (next == null) {
                        startSync(s, 0);
                    } else {
                        s.rebuilding = next;
                    }
                } else if (r.number() > s.revision() && !apply(s, r)) {
                    startSync(s, 0);
                }
            }
            case Wire.SNAPSHOT -> {
                s.snapshotRev = Wire.number(h, "rev");
                s.snapshotDigest = Wire.text(h, "digest");
                s.snapshotEntries = Wire.number(h, "entries");
                s.snapshotContent = new java.util.TreeMap<>(Digest.KEY_ORDER);
            }
            case Wire.CHUNK -> {
                if (s.snapshotContent == null) {
                    throw new Wire.ProtocolException("CHUNK without SNAPSHOT");
                }
                JsonNode keys = h.path("keys");
                if (!keys.isArray() || keys.size() != m.size() - 2) {
                    throw new Wire.ProtocolException("CHUNK lists " + keys.size() + " keys for " + (m.size() - 2) + " values");
                }
                for (int i = 0; i < keys.size(); i++) {
                    s.snapshotContent.put(keys.get(i).asText(), m.bytes(2 + i));
                }
            }
            case Wire.SYNCED -> synced(s, h);
            case Wire.ERROR -> {
                String code = h.path("code").asText();
                log.warn("{}: server refused {}: {} ({})", config.nodeId, s.namespace, UntrustedText.of(h.path("reason").asText()),
                        UntrustedText.of(code));
                if (code.equals("forbidden") || code.equals("identity")) {
                    s.failure = h.path("reason").asText(code);
                    s.syncing = false;
                } else if (code.equals("busy")) {
                    // Ask again after the server's hint rather than after the whole sync timeout.
                    long retry = Math.min(Duration.ofMillis(h.path("retry").asLong(0)).toNanos(), config.syncTimeout.toNanos());
                    s.syncSentAt = System.nanoTime() - config.syncTimeout.toNanos() + retry;
                }
            }
            default -> log.debug("{}: ignoring {}", config.nodeId, UntrustedText.of(command));
        }
    }

    private void synced(NamespaceState s, ObjectNode h) {
        long rev = Wire.count(h, "rev");
        String digest = Wire.text(h, "digest");
        if (s.snapshotContent != null) {
            java.util.TreeMap<String, byte[]> content = s.snapshotContent;
            s.snapshotContent = null;
            s.rebuilding = null;
            String actual = Digest.of(content);
            if (s.snapshotRev != rev || content.size() != s.snapshotEntries || !actual.equals(digest)) {
                log.warn("{}: snapshot of {} r{} does not check out; asking again", config.nodeId, s.namespace, rev);
                startSync(s, 0);
                return;
            }
            Snapshot before = s.current;
            Snapshot now = new Snapshot(s.namespace, rev, actual, content);
            installed(s, now, diff(before, now));
        } else if (s.rebuilding != null) {
            Snapshot rebuilt = s.rebuilding;
            if (rebuilt.revision() != rev || !rebuilt.digest().equals(digest)) {
                log.warn("{}: {} rebuilt to r{} does not match the server's r{}; asking again", config.nodeId,
                        s.namespace, rebuilt.revision(), rev);
                startSync(s, 0);
                return;
            }
            if (h.path("more").asBoolean(false)) {
                sendSync(s, rebuilt.revision());
                return;
            }
            s.rebuilding = null;
            Snapshot before = s.current;
            installed(s, rebuilt, diff(before, rebuilt));
        } else if (rev != s.revision() || !digest.equals(s.current.digest())) {
            log.warn("{}: {} at r{} does not match the server's r{}; taking a full snapshot", config.nodeId,
                    s.namespace, s.revision(), rev);
            startSync(s, 0);
            return;
        }
        if (h.path("more").asBoolean(false)) {
            startSync(s, s.revision());
            return;
        }
        s.syncing = false;
        s.confirmed = true;
        s.epoch = h.hasNonNull("epoch") ? Wire.text(h, "epoch") : null;
        reportIn(s, 0);
        List<Revision> held = new ArrayList<>(s.buffered);
        s.buffered.clear();
        held.sort((a, b) -> Long.compare(a.number(), b.number()));
        for (Revision r : held) {
            if (r.number() <= s.revision()) {
                continue;
            }
            if (!apply(s, r)) {
                startSync(s, s.revision());
                return;
            }
        }
    }

    /** Applies the next revision; false when it does not follow on or does not check out. */
    private boolean apply(NamespaceState s, Revision r) {
        Snapshot now = s.next(r);
        if (now == null) {
            log.info("{}: {} r{} does not follow r{} or its digest differs; resyncing", config.nodeId,
                    s.namespace, r.number(), s.revision());
            return false;
        }
        installed(s, now, r.changes());
        return true;
    }

    private void installed(NamespaceState s, Snapshot now, List<Change> changes) {
        s.current = now;
        reportIn(s, appliedReportDelay());
        writeFiles(s);
        for (Listener l : listeners) {
            try {
                l.applied(s.namespace, now.revision(), changes, now);
            } catch (RuntimeException e) {
                log.warn("{}: listener failed on {} r{}", config.nodeId, s.namespace, now.revision(), e);
            }
        }
    }

    /**
     * Writes the cache and the write-dir file of the namespace's current snapshot. A failure is
     * kept (and reported to the server as the revision's error) until a later write succeeds:
     * the revision is applied in memory, but whoever reads the files would not see it.
     */
    private void writeFiles(NamespaceState s) {
        Snapshot now = s.current;
        String was = s.writeError;
        try {
            if (config.cacheDir != null) {
                write("cache", config.cacheDir, () -> s.cache.write(now));
            }
            if (config.writeDir != null) {
                write("write-dir", config.writeDir, () -> CacheFile.writePlain(config.writeDir, now, config.writeFormat));
            }
            s.writeError = null;
            if (was != null) {
                log.info("{}: files of {} r{} written now", config.nodeId, s.namespace, now.revision());
                reportIn(s, 0);
            }
        } catch (IOException | RuntimeException e) {
            s.writeError = String.valueOf(e.getMessage());
            if (!s.writeError.equals(was)) {
                log.warn("{}: {} r{} applied but not written, reported as failed; retrying every {}: {}", config.nodeId,
                        s.namespace, now.revision(), config.reportInterval, e.getMessage());
            }
        }
    }

    /**
     * Refuses a namespace that cannot have a file in the write dir ({@link WriteDirLayout}), and
     * says so when the file older versions wrote for it is there: nothing updates that one now.
     */
    private static void checkWriteDir(Builder b, String ns) {
        String problem = WriteDirLayout.problem(ns);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        CacheFile.formerPlainFile(b.writeDir, ns, b.writeFormat).ifPresent(former -> log.warn(
                "{}: {} is where older versions wrote {}; it is no longer updated: read {}", b.nodeId, former, ns,
                WriteDirLayout.file(b.writeDir, ns, CacheFile.plainSuffix(b.writeFormat))));
    }

    private interface FileWrite {
        void run() throws IOException;
    }

    private static void write(String what, Path dir, FileWrite w) throws IOException {
        try {
            w.run();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot write the " + what + " in " + dir + ": " + e, e);
        }
    }

    private static List<Change> diff(Snapshot a, Snapshot b) {
        List<Change> out = new ArrayList<>();
        b.entries().forEach((k, v) -> {
            byte[] old = a.entries().get(k);
            if (old == null || !Arrays.equals(old, v)) {
                out.add(Change.put(k, v));
            }
        });
        a.entries().keySet().stream().filter(k -> !b.entries().containsKey(k)).forEach(k -> out.add(Change.delete(k)));
        return out;
    }

    private void startSync(NamespaceState s, long from) {
        s.rebuilding = from == 0 && s.revision() > 0 ? Snapshot.empty(s.namespace) : null;
        sendSync(s, from);
    }

    /** Sends a SYNC with a new req; a from-0 rebuild in progress is kept (a "more" page). */
    private void sendSync(NamespaceState s, long from) {
        s.syncing = true;
        s.syncReq = nextReq++;
        s.syncSentAt = System.nanoTime();
        s.snapshotContent = null;
        ObjectNode h = Wire.object();
        h.put("node", config.nodeId);
        h.put("ns", s.namespace);
        h.put("from", from);
        h.put("req", s.syncReq);
        send(Wire.command(Wire.SYNC, h));
    }

    private void report(NamespaceState s) {
        s.reportDue = false;
        s.reportedAt = System.nanoTime();
        Snapshot now = s.current;
        ObjectNode h = Wire.object();
        h.put("node", config.nodeId);
        h.put("ns", s.namespace);
        h.put("rev", now.revision());
        h.put("digest", now.digest());
        h.put("applied", System.currentTimeMillis());
        String error = s.writeError;
        if (error != null) {
            h.put("error", error);
        }
        send(Wire.command(Wire.REPORT, h));
    }

    private void send(Message m) {
        if (!active.dealer.trySend(m)) {
            m.close();  // the queue to a missing server is full; the sync timer asks again
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();  // out of its wait for messages (a file write cut short is written again at start)
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // An update being handled on an event loop finishes first; later ones see running false.
        List<ServerConnection> givenUp = List.of();
        try {
            if (lock.tryLock(5, TimeUnit.SECONDS)) {
                givenUp = new ArrayList<>(closing);
                closing.clear();
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The agent thread has stopped (or is stuck): the sockets it last opened are these.
        givenUp.forEach(ServerConnection::close);
        active.close();
        if (standby != null) {
            standby.close();
        }
        if (wakeIn != null) {
            synchronized (wakeOut) {
                wakeOut.close();
            }
            wakeIn.close();
        }
        for (NamespaceState s : states.values()) {
            if (s.cache != null) {
                s.cache.close();
            }
        }
        if (ownsContext) {
            context.close();
        }
    }

    /** Settings of an agent; {@link #start()} makes it. */
    public static final class Builder {
        private final List<Endpoints> servers = new ArrayList<>();
        private Duration failoverAfter = Duration.ofSeconds(5);
        private String nodeId;
        private String password;
        private String curveServerKey;
        private io.zmtp.codec.curve.CurveKeyPair curveKeys;
        private final List<String> namespaces = new ArrayList<>();
        private Path cacheDir;
        private Path writeDir;
        private String writeFormat = "json";
        private ZmtpContext context;
        private Duration syncTimeout = Duration.ofSeconds(3);
        private io.zmtp.config.store.StoreLimits limits = io.zmtp.config.store.StoreLimits.DEFAULTS;
        private Duration reportInterval = Duration.ofSeconds(1);
        private Duration reportDelay = Duration.ofMillis(100);

        /** The server's two endpoints: its PUB (updates) and its ROUTER (sync); replaces any given before. */
        public Builder server(String updatesEndpoint, String syncEndpoint) {
            servers.clear();
            return alsoServer(updatesEndpoint, syncEndpoint);
        }

        /**
         * One more server (a replica on the same store), used in the order given: the agent starts
         * with the first and moves to the next when it has heard nothing from its server for
         * {@link #failoverAfter}.
         */
        public Builder alsoServer(String updatesEndpoint, String syncEndpoint) {
            if (updatesEndpoint == null || syncEndpoint == null) {
                throw new IllegalArgumentException("a server needs an updates and a sync endpoint");
            }
            servers.add(new Endpoints(updatesEndpoint, syncEndpoint));
            return this;
        }

        /**
         * With several servers: how long the current one may say nothing (no heartbeat, no answer)
         * before the agent moves to the next; default 5 s. Keep it above a few of the servers'
         * heartbeat intervals (1 s by default), since heartbeats are what the agent hears when
         * nothing changes.
         */
        public Builder failoverAfter(Duration silence) {
            if (silence == null || silence.isZero() || silence.isNegative()) {
                throw new IllegalArgumentException("failoverAfter must be above zero");
            }
            this.failoverAfter = silence;
            return this;
        }

        public Builder node(String id, String password) {
            this.nodeId = id;
            this.password = password;
            return this;
        }

        /** The node id alone, for CURVE (see {@link #curve}). */
        public Builder node(String id) {
            this.nodeId = id;
            return this;
        }

        /**
         * CURVE instead of PLAIN: the server's public key and this node's key pair (the server's
         * whitelist lists the node's public key); the traffic is encrypted.
         */
        public Builder curve(String serverPublicKeyZ85, io.zmtp.codec.curve.CurveKeyPair nodeKeys) {
            this.curveServerKey = serverPublicKeyZ85;
            this.curveKeys = nodeKeys;
            return this;
        }

        public Builder namespaces(String... names) {
            namespaces.addAll(Arrays.asList(names));
            return this;
        }

        public Builder cacheDir(Path dir) {
            this.cacheDir = dir;
            return this;
        }

        /**
         * Keeps {@code dir/<namespace>.json} (or {@code .properties}) up to date for non-Java
         * services, a directory per segment: {@code app/web} is {@code dir/app/web.json}. A namespace
         * that cannot name such a file ({@link WriteDirLayout#problem}) is refused at {@link #start}.
         */
        public Builder writeDir(Path dir, String format) {
            if (!format.equals("json") && !format.equals("properties")) {
                throw new IllegalArgumentException("write format is json or properties, not " + format);
            }
            this.writeDir = dir;
            this.writeFormat = format;
            return this;
        }

        /** Runs the agent's sockets in a shared context (many agents in one process). */
        public Builder context(ZmtpContext context) {
            this.context = context;
            return this;
        }

        /**
         * The server's store limits, when they are not the defaults: the agent's sockets take
         * frames and messages up to them and close a connection that sends more.
         */
        public Builder limits(io.zmtp.config.store.StoreLimits storeLimits) {
            this.limits = java.util.Objects.requireNonNull(storeLimits, "limits");
            return this;
        }

        public Builder syncTimeout(Duration timeout) {
            this.syncTimeout = timeout;
            return this;
        }

        /** How often the agent reports even when nothing changed (so the server sees it is alive). */
        public Builder reportInterval(Duration interval) {
            this.reportInterval = interval;
            return this;
        }

        /**
         * How long after applying a pushed revision the agent reports it: at a random moment between
         * half of this and all of it (default 100 ms), so that a fleet's reports do not reach the server
         * all at once, in the middle of its fan-out of that revision to the rest of the fleet. A revision
         * applied meanwhile is reported in the same report. {@link Duration#ZERO} reports at once.
         */
        public Builder reportDelay(Duration delay) {
            if (delay == null || delay.isNegative()) {
                throw new IllegalArgumentException("reportDelay must be zero or more");
            }
            this.reportDelay = delay;
            return this;
        }

        public ConfigAgent start() {
            if (servers.isEmpty() || nodeId == null || (password == null && curveKeys == null)
                    || namespaces.isEmpty()) {
                throw new IllegalArgumentException("an agent needs server endpoints, a node id and password, and namespaces");
            }
            return new ConfigAgent(this);
        }
    }
}
