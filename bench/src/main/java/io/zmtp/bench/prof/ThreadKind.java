package io.zmtp.bench.prof;

import java.util.regex.Pattern;

/**
 * The thread groups a profile is split into, decided by the thread's name alone. The perf tools
 * run their messaging on {@code main} plus the few threads they start themselves
 * ({@code inproc_thr sender}, {@code inproc_lat echo}, {@code sub_thr subscriber N}); the
 * sockets' I/O runs on Netty event loops, which {@code ZmtpContext} creates with Netty's default
 * names ({@code multiThreadIoEventLoopGroup-2-1}; older groups say {@code nioEventLoopGroup-},
 * {@code epollEventLoopGroup-}). HotSpot names its own threads; native thread names are cut to
 * 15 characters ({@code C2 CompilerThre}).
 */
enum ThreadKind {
    APPLICATION("application", "main and the threads the perf tools start (inproc_thr sender, inproc_lat echo, sub_thr subscriber N)",
            "main|(inproc_thr|inproc_lat|sub_thr) .+"),
    EVENT_LOOP("event loop", "Netty event-loop threads (multiThreadIoEventLoopGroup-N-M, nioEventLoopGroup-..., epollEventLoopGroup-...)",
            "(?i).*EventLoop.*"),
    GC("GC", "HotSpot's garbage collector threads (GC Thread#N, G1 ...)",
            "GC Thread.*|G1 .*|ParGC.*|Z(Driver|Worker|Director).*|Shenandoah.*"),
    JIT("JIT compiler", "HotSpot's compiler threads (C1/C2 CompilerThread)",
            "C[12] Compiler.*|.*CompilerThread.*"),
    OTHER("other", "every other thread (VM Thread, Service Thread, the profiler's own, ...)", "");

    private final String label;
    private final String description;
    private final Pattern names;

    ThreadKind(String label, String description, String names) {
        this.label = label;
        this.description = description;
        this.names = Pattern.compile(names);
    }

    String label() {
        return label;
    }

    String description() {
        return description;
    }

    /** The group of the thread called {@code name}; {@link #OTHER} when no group claims it. */
    static ThreadKind of(String name) {
        for (ThreadKind kind : values()) {
            if (kind != OTHER && kind.names.matcher(name).matches()) {
                return kind;
            }
        }
        return OTHER;
    }
}
