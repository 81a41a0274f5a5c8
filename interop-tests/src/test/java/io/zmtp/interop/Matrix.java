package io.zmtp.interop;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs the cells of one family (one test class) and records them in the {@link MatrixReport}.
 * Register it as a static {@code @RegisterExtension} field: after the class it closes the peer
 * hosts its cells shared and rewrites the report.
 *
 * <p>A cell runs once per peer implementation. It is not applicable (reported n/a, the test
 * aborted) when it needs ipc and the peer has none. A failed cell fails its test with the wire
 * capture of its tcp connections in the message (and in the log), and the shared peer host is
 * replaced, so one failure cannot spill into the next cell.
 */
public final class Matrix implements AfterAllCallback {
    private final String family;
    private final Map<PeerKind, PeerHost> hosts = new EnumMap<>(PeerKind.class);

    public Matrix(String family) {
        this.family = family;
    }

    /** The body of a cell. */
    @FunctionalInterface
    public interface Body {
        void run(Cell cell) throws Exception;
    }

    /** One container per peer of the classic socket types, holding what {@code cells} makes for it. */
    public Stream<DynamicContainer> perPeer(Function<PeerKind, Stream<DynamicTest>> cells) {
        return perPeer(PeerKind.CLASSIC, cells);
    }

    /** One container per peer in {@code peers}, holding what {@code cells} makes for it. */
    public Stream<DynamicContainer> perPeer(List<PeerKind> peers, Function<PeerKind, Stream<DynamicTest>> cells) {
        return peers.stream().map(k -> DynamicContainer.dynamicContainer(k.label(), cells.apply(k)));
    }

    /** A cell named {@code name}, run against {@code peer} over {@code transport}. */
    public DynamicTest cell(String name, PeerKind peer, Transport transport, Body body) {
        return DynamicTest.dynamicTest(name, () -> run(name, peer, transport, body));
    }

    private synchronized PeerHost sharedHost(PeerKind kind) {
        PeerHost h = hosts.get(kind);
        if (h == null || !h.isAlive()) {
            if (h != null) {
                h.close();
            }
            h = kind.start();
            hosts.put(kind, h);
        }
        return h;
    }

    private synchronized void discardSharedHost(PeerKind kind) {
        PeerHost h = hosts.remove(kind);
        if (h != null) {
            h.kill();
        }
    }

    private void run(String name, PeerKind peer, Transport transport, Body body) throws Throwable {
        if (transport == Transport.IPC && !peer.supportsIpc()) {
            MatrixReport.record(new MatrixReport.Result(family, name, peer, MatrixReport.Status.NOT_APPLICABLE, 0,
                    peer.label() + " has no ipc transport"));
            Assumptions.abort(peer.label() + " has no ipc transport: not applicable");
        }
        String unavailable = peer.unavailable();
        if (unavailable != null) {
            if (PeerKind.DRAFT_PEER_REQUIRED || PeerKind.LEGACY.contains(peer)) {
                // The legacy peers come with the build itself: missing, they are a broken build.
                MatrixReport.record(new MatrixReport.Result(family, name, peer, MatrixReport.Status.FAIL, 0, unavailable));
                throw new AssertionError(peer.label() + " is required but cannot run: " + unavailable);
            }
            MatrixReport.record(new MatrixReport.Result(family, name, peer, MatrixReport.Status.NOT_APPLICABLE, 0,
                    unavailable));
            Assumptions.abort(unavailable);
        }
        long start = System.nanoTime();
        Cell cell = new Cell(name, peer, transport, () -> sharedHost(peer));
        Throwable failure = null;
        try {
            body.run(cell);
        } catch (TestAbortedException e) {
            cell.close();
            MatrixReport.record(new MatrixReport.Result(family, name, peer, MatrixReport.Status.NOT_APPLICABLE, 0,
                    e.getMessage()));
            throw e;
        } catch (Throwable e) {
            failure = e;
        }
        String wire = cell.wire();
        try {
            cell.close();
        } catch (Throwable e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (failure == null) {
            MatrixReport.record(new MatrixReport.Result(family, name, peer, MatrixReport.Status.PASS, millis,
                    String.join("; ", cell.notes())));
            return;
        }
        discardSharedHost(peer);
        String detail = failure + "\n" + wire;
        System.out.println("[interop] FAILED " + family + " / " + name + " / " + peer.label() + ": " + detail);
        MatrixReport.record(new MatrixReport.Result(family, name, peer, MatrixReport.Status.FAIL, millis, detail));
        throw new AssertionError(name + " against " + peer.label() + " failed: " + failure + "\n" + wire, failure);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (this) {
            for (PeerHost h : hosts.values()) {
                h.close();
            }
            hosts.clear();
        }
        MatrixReport.write();
    }
}
