package io.zmtp.bench.prof;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a stack into one {@link Category}. One rule, applied in this order, so that every sample
 * lands in exactly one category and the shares add up:
 * <ol>
 *   <li>a stack with a kernel frame (async-profiler's {@code _[k]} suffix) is decided by the
 *       first kernel frame from the root, the kernel entry: a page-fault entry is a page fault,
 *       an interrupt entry is an interrupt; otherwise the system call named by the first
 *       {@code *sys_<name>} kernel frame (or, failing that, by the libc wrapper just above the
 *       kernel) picks futex, epoll, read or write; a read or write through an eventfd or pipe
 *       is a loop wake-up;</li>
 *   <li>else a JDK park/unpark frame ({@code LockSupport.park*}, {@code Unsafe.park/unpark})
 *       makes it parking in user space;</li>
 *   <li>else a HotSpot frame that allocates, collects or waits at a safepoint makes it
 *       GC/allocation;</li>
 *   <li>else a class loader frame or a HotSpot class loading/linking frame makes it class
 *       loading (mostly start-up, which every profile of a fresh JVM holds);</li>
 *   <li>else the leaf-most Java frame's package decides (ours, Netty, JDK, other);</li>
 *   <li>else it is JVM/native code with no Java frame.</li>
 * </ol>
 * Java frames are the ones whose name holds a {@code /} (async-profiler's default naming,
 * {@code io/zmtp/socket/Socket.receive}).
 */
final class StackClassifier {
    private static final String KERNEL = "_[k]";
    /** {@code __x64_sys_futex}, {@code ksys_read}, {@code __sys_sendto}, {@code do_sys_openat2}, ... */
    private static final Pattern SYSCALL = Pattern.compile("(?:__x64_sys_|__ia32_sys_|__se_sys_|__do_sys_|ksys_|__sys_|do_sys_)([a-z0-9_]+)");
    /** {@code __GI___libc_write}, {@code __libc_recv}: the call's name after the libc prefixes. */
    private static final Pattern LIBC_PREFIX = Pattern.compile("^(?:__GI_)?_*(?:libc_)?");
    /** HotSpot frames that allocate on the Java heap, run the collector or wait at a safepoint. */
    private static final Pattern GC_FRAME = Pattern.compile(
            "OptoRuntime::(?:new|multianewarray)|Runtime1::new_|InterpreterRuntime::(?:_new|newarray|anewarray|multianewarray)"
                    + "|MemAllocator::|CollectedHeap::|\\bG1\\w*::|ThreadLocalAllocBuffer::|Klass::allocate|JVM_New(?:Multi)?Array|SafepointSynchronize::");
    /** Class loaders (Java) and HotSpot's class loading, linking and call-site resolution. */
    private static final Pattern CLASS_LOADING_FRAME = Pattern.compile(
            "^java/lang/ClassLoader\\.|^jdk/internal/loader/|^java/lang/invoke/MethodHandleNatives\\.link"
                    + "|SystemDictionary::|ClassFileParser::|ClassLoader::|LinkResolver::|InterpreterRuntime::resolve"
                    + "|ClassVerifier::|Verifier::|Rewriter::|InstanceKlass::link|SymbolTable::|JVM_DefineClass");

    private StackClassifier() {
    }

    static Category classify(List<String> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (isKernel(frames.get(i))) {
                return kernel(frames, i);
            }
        }
        for (String f : frames) {
            if (isPark(f)) {
                return Category.PARK;
            }
        }
        for (String f : frames) {
            if (!isJava(f) && GC_FRAME.matcher(f).find()) {
                return Category.GC_ALLOCATION;
            }
        }
        for (String f : frames) {
            if (CLASS_LOADING_FRAME.matcher(f).find()) {
                return Category.CLASS_LOADING;
            }
        }
        for (int i = frames.size() - 1; i >= 0; i--) {
            if (isJava(frames.get(i))) {
                return byPackage(frames.get(i));
            }
        }
        return Category.NATIVE;
    }

    static boolean isKernel(String frame) {
        return frame.endsWith(KERNEL);
    }

    static boolean isJava(String frame) {
        return frame.indexOf('/') > 0 && !frame.startsWith("[") && !frame.contains("::") && !frame.contains(" ")
                && !isKernel(frame);
    }

    private static boolean isPark(String frame) {
        return isJava(frame) && (frame.contains("LockSupport.park") || frame.contains("LockSupport.unpark")
                || frame.contains("Unsafe.park") || frame.contains("Unsafe.unpark"));
    }

    private static Category kernel(List<String> frames, int entry) {
        String first = bare(frames.get(entry));
        if (first.contains("page_fault")) {
            return Category.KERNEL_PAGE_FAULT;
        }
        if (first.startsWith("asm_sysvec_") || first.endsWith("_interrupt")) {
            return Category.KERNEL_INTERRUPT;
        }
        String call = null;
        boolean wakeUpFile = false;
        for (int i = entry; i < frames.size(); i++) {
            String k = bare(frames.get(i));
            if (call == null) {
                Matcher m = SYSCALL.matcher(k);
                if (m.matches()) {
                    call = m.group(1);
                }
            }
            wakeUpFile |= k.startsWith("eventfd_") || k.startsWith("pipe_");
        }
        if (call == null && entry > 0) {
            call = LIBC_PREFIX.matcher(frames.get(entry - 1)).replaceFirst("");
        }
        Category byCall = call == null ? Category.KERNEL_OTHER : bySystemCall(call);
        if (wakeUpFile && (byCall == Category.KERNEL_READ || byCall == Category.KERNEL_WRITE)) {
            return Category.KERNEL_WAKEUP;
        }
        return byCall;
    }

    private static Category bySystemCall(String call) {
        String c = call.toLowerCase(Locale.ROOT);
        if (c.contains("futex")) {
            return Category.KERNEL_FUTEX;
        }
        if (c.startsWith("epoll_wait") || c.startsWith("epoll_pwait")) {
            return Category.KERNEL_EPOLL;
        }
        switch (c) {
            // Not pread64/pwrite64: positioned I/O is on files (class loading reads the jars).
            case "write", "writev", "send", "sendto", "sendmsg", "sendmmsg":
                return Category.KERNEL_WRITE;
            case "read", "readv", "recv", "recvfrom", "recvmsg", "recvmmsg":
                return Category.KERNEL_READ;
            default:
                return Category.KERNEL_OTHER;
        }
    }

    private static Category byPackage(String f) {
        if (f.startsWith("io/zmtp/codec/")) {
            return Category.OURS_CODEC;
        }
        if (f.startsWith("io/zmtp/socket/")) {
            return Category.OURS_SOCKET;
        }
        if (f.startsWith("io/zmtp/bench/")) {
            return Category.BENCH;
        }
        if (f.startsWith("io/zmtp/")) {
            return Category.OURS_OTHER;
        }
        if (f.startsWith("io/netty/")) {
            return Category.NETTY;
        }
        if (f.startsWith("java/") || f.startsWith("javax/") || f.startsWith("jdk/") || f.startsWith("sun/") || f.startsWith("com/sun/")) {
            return Category.JDK;
        }
        return Category.OTHER_JAVA;
    }

    private static String bare(String frame) {
        return isKernel(frame) ? frame.substring(0, frame.length() - KERNEL.length()) : frame;
    }
}
