package io.zmtp.config.agent;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread for every agent of the process, which sends reports that were made due a
 * moment after a revision was applied ({@link ConfigAgent.Builder#reportDelay}). An agent's own
 * thread could do it, but waking each of a thousand agent threads for it costs more than one
 * thread going through the due reports in turn.
 */
final class ReportTimer {
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "config-agent-reports");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private ReportTimer() {
    }

    static void schedule(Runnable task, long delayNanos) {
        TIMER.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
}
