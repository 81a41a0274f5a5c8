package io.zmtp.bench.prof;

/** Where a CPU sample was spent, as {@link StackClassifier} decides it; in report order. */
enum Category {
    KERNEL_FUTEX("kernel: futex"),
    KERNEL_EPOLL("kernel: epoll_wait/epoll_pwait"),
    KERNEL_WAKEUP("kernel: eventfd/pipe (loop wake-up)"),
    KERNEL_WRITE("kernel: write/writev/sendto/sendmsg"),
    KERNEL_READ("kernel: read/readv/recvfrom/recvmsg"),
    KERNEL_PAGE_FAULT("kernel: page faults"),
    KERNEL_INTERRUPT("kernel: interrupts, preemption"),
    KERNEL_OTHER("kernel: other"),
    PARK("JDK park/unpark (user space)"),
    GC_ALLOCATION("GC/allocation/safepoint (HotSpot)"),
    CLASS_LOADING("class loading/linking"),
    OURS_CODEC("ours: io.zmtp.codec"),
    OURS_SOCKET("ours: io.zmtp.socket"),
    OURS_OTHER("ours: other io.zmtp"),
    BENCH("perf tool: io.zmtp.bench"),
    NETTY("Netty: io.netty"),
    JDK("JDK: java, javax, jdk, sun"),
    OTHER_JAVA("other Java"),
    NATIVE("JVM/native, no Java frame");

    private final String label;

    Category(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
