package io.zmtp.bench.soak;

import io.zmtp.testing.FaultRelay;
import io.zmtp.testing.FaultRelay.Direction;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Injects one fault at a time into a soak's relays on a fixed rhythm: a fault for one period, then
 * a clean period, round after round (delay, throttle, freeze, cut mid-frame each way, reset), so
 * every pattern meets every fault and also gets time to recover. Counts what it injected.
 */
final class FaultSchedule implements AutoCloseable {
    private static final String[] KINDS = {"delay", "throttle", "freeze", "cut-up", "cut-down", "reset"};

    private final List<FaultRelay> relays;
    private final Duration period;
    private final Random random;
    private final Map<String, Integer> injected = new TreeMap<>();
    private final Thread thread;
    private volatile boolean stop;

    FaultSchedule(List<FaultRelay> relays, Duration period, long seed) {
        this.relays = relays;
        this.period = period;
        this.random = new Random(seed);
        thread = new Thread(this::run, "fault-schedule");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        for (int round = 0; !stop && round < 1_000_000; round++) {
            String kind = KINDS[round % KINDS.length];
            for (FaultRelay relay : relays) {
                inject(relay, kind);
            }
            synchronized (injected) {
                injected.merge(kind, relays.size(), Integer::sum);
            }
            if (!pause()) {
                break;
            }
            relays.forEach(FaultRelay::clear);
            if (!pause()) {
                break;
            }
        }
        relays.forEach(FaultRelay::clear);
    }

    private void inject(FaultRelay relay, String kind) {
        switch (kind) {
            case "delay" -> relay.delay(Duration.ofMillis(20 + random.nextInt(80)));
            case "throttle" -> relay.throttle(20_000 + random.nextInt(80_000));
            case "freeze" -> relay.freeze();
            case "cut-up" -> relay.cutAfter(Direction.UPSTREAM, 1 + random.nextInt(50_000));
            case "cut-down" -> relay.cutAfter(Direction.DOWNSTREAM, 1 + random.nextInt(50_000));
            case "reset" -> relay.reset();
            default -> throw new IllegalStateException(kind);
        }
    }

    /** Waits one period (the fault's rhythm, not a wait for a condition); false once stopped. */
    private boolean pause() {
        long end = System.nanoTime() + period.toNanos();
        while (!stop && System.nanoTime() < end) {
            try {
                TimeUnit.MILLISECONDS.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stop;
    }

    /** What was injected, e.g. "cut-down 3, delay 4, ..." plus the cuts and resets that really happened. */
    String summary() {
        int cuts = relays.stream().mapToInt(FaultRelay::cuts).sum();
        int resets = relays.stream().mapToInt(FaultRelay::resets).sum();
        StringBuilder b = new StringBuilder();
        synchronized (injected) {
            injected.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        }
        return b + "; cuts done " + cuts + ", connections reset " + resets;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
        relays.forEach(FaultRelay::clear);
    }
}
