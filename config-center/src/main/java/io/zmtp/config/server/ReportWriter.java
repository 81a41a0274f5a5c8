package io.zmtp.config.server;

import io.zmtp.config.model.NodeReport;
import io.zmtp.config.store.ConfigStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Writes the nodes' reports to the store on a thread of its own. The server thread only says when
 * a batch is due (each heartbeat); the writer takes what the {@link NodeTracker} holds unsaved at that
 * moment and writes it in one batch. A fleet's reports (one per node per revision, a thousand at once
 * after a publish or a failover) then never hold up the syncs and heartbeats the server thread owes,
 * and what waits is bounded by the tracker: one report per (node, namespace), the latest.
 */
final class ReportWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReportWriter.class);

    private final ConfigStore store;
    private final NodeTracker tracker;
    private final Thread thread;
    private final Object signal = new Object();
    /** Under {@link #signal}. */
    private boolean due;
    private volatile boolean running = true;

    ReportWriter(ConfigStore store, NodeTracker tracker, String threadName) {
        this.store = store;
        this.tracker = tracker;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for the unsaved reports to be written; returns at once. */
    void due() {
        synchronized (signal) {
            due = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (running) {
            synchronized (signal) {
                while (!due && running) {
                    try {
                        signal.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                due = false;
            }
            if (running) {
                write();
            }
        }
    }

    /**
     * Writes what is unsaved now. Reports a failed write could not store go back to the tracker
     * (unless a newer one of the same node and namespace came meanwhile), for the next batch.
     */
    private void write() {
        List<NodeReport> batch = tracker.takeUnsaved();
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.recordReports(batch);
        } catch (RuntimeException e) {
            tracker.unsavedAgain(batch);
            log.warn("could not record {} node reports (kept for the next try): {}", batch.size(), e.toString());
        }
    }

    /** Stops the thread (waiting up to {@code waitMillis} for a batch in progress), then writes what is left. */
    void close(long waitMillis) {
        running = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        try {
            thread.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.recordReports(tracker.takeUnsaved());
    }

    @Override
    public void close() {
        close(5_000);
    }
}
