package io.zmtp.bench.prof;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The classification rule on stacks shaped like the ones async-profiler 4.1 recorded here. */
class StackClassifierTest {
    private static Category classify(String stack) {
        return StackClassifier.classify(List.of(stack.split(";")));
    }

    private static final String NIO_READ = "start_thread;io/netty/channel/nio/NioIoHandler.run;sun/nio/ch/SocketDispatcher.read0;__GI_read;";

    @Test
    void theSystemCallNamedInTheKernelFramesDecides() {
        assertEquals(Category.KERNEL_FUTEX, classify("start_thread;java/lang/Object.wait;__futex_abstimed_wait_common;"
                + "entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__x64_sys_futex_[k];do_futex_[k];pvm_irq_enable_[k]"));
        // ksys_read without __x64_sys_read above it (inlined), as recorded.
        assertEquals(Category.KERNEL_READ, classify(NIO_READ + "entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];ksys_read_[k];vfs_read_[k]"));
        assertEquals(Category.KERNEL_EPOLL, classify("start_thread;io/netty/channel/epoll/Native.epollWait;epoll_pwait2;"
                + "entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__x64_sys_epoll_pwait2_[k];do_epoll_wait_[k]"));
        assertEquals(Category.KERNEL_WRITE, classify("start_thread;sun/nio/ch/SocketDispatcher.write0;__GI___send;"
                + "entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__x64_sys_sendto_[k];__sys_sendto_[k];tcp_sendmsg_[k]"));
        assertEquals(Category.KERNEL_OTHER, classify("start_thread;java/util/zip/ZipFile.read;__libc_pread64;"
                + "entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__x64_sys_pread64_[k]"));
    }

    @Test
    void aWriteOrReadThroughAnEventfdIsAWakeUp() {
        assertEquals(Category.KERNEL_WAKEUP, classify("start_thread;sun/nio/ch/EventFD.set0;__GI_write;"
                + "entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];ksys_write_[k];vfs_write_[k];eventfd_write_[k]"));
    }

    @Test
    void withoutASyscallFrameTheLibcWrapperAboveTheKernelDecides() {
        assertEquals(Category.KERNEL_WRITE, classify("start_thread;__GI___libc_write;entry_SYSCALL_64_after_hwframe_[k]"));
        assertEquals(Category.KERNEL_READ, classify(NIO_READ + "entry_SYSCALL_64_after_hwframe_[k]"));
        assertEquals(Category.KERNEL_OTHER, classify("start_thread;entry_SYSCALL_64_after_hwframe_[k]"));
    }

    @Test
    void theFirstKernelFrameIsTheEntry() {
        // A page fault taken inside a system call belongs to the call ...
        assertEquals(Category.KERNEL_WRITE, classify("start_thread;__GI_write;entry_SYSCALL_64_after_hwframe_[k];"
                + "do_syscall_64_[k];ksys_write_[k];asm_exc_page_fault_[k];exc_page_fault_[k]"));
        // ... a fault of user code is a page fault, whatever the kernel then calls.
        assertEquals(Category.KERNEL_PAGE_FAULT, classify("start_thread;io/zmtp/codec/FrameDecoder.decode;"
                + "asm_exc_page_fault_[k];exc_page_fault_[k];handle_mm_fault_[k];clear_page_erms_[k]"));
        assertEquals(Category.KERNEL_INTERRUPT, classify("start_thread;io/zmtp/socket/Socket.receive;"
                + "asm_sysvec_apic_timer_interrupt_[k];irqentry_exit_to_user_mode_[k];schedule_[k];pvm_irq_enable_[k]"));
    }

    @Test
    void aKernelFrameOutranksParkingAndParkingOutranksThePackage() {
        String park = "start_thread;io/zmtp/socket/Socket.receive;java/util/concurrent/locks/LockSupport.parkNanos;"
                + "jdk/internal/misc/Unsafe.park;Unsafe_Park;Parker::park;";
        assertEquals(Category.KERNEL_FUTEX, classify(park + "__pthread_cond_timedwait;entry_SYSCALL_64_after_hwframe_[k];"
                + "do_syscall_64_[k];__x64_sys_futex_[k]"));
        assertEquals(Category.PARK, classify(park + "__pthread_cond_timedwait"));
        assertEquals(Category.PARK, classify("start_thread;io/zmtp/socket/Socket.send;java/util/concurrent/locks/LockSupport.unpark"));
    }

    @Test
    void hotSpotAllocationAndClassLoadingComeBeforeThePackage() {
        assertEquals(Category.GC_ALLOCATION, classify("start_thread;io/zmtp/codec/FrameDecoder.copyOf;OptoRuntime::new_array_C;"
                + "TypeArrayKlass::allocate_common;Copy::fill_to_memory_atomic"));
        assertEquals(Category.CLASS_LOADING, classify("start_thread;io/zmtp/socket/ZmtpContext.<init>;java/lang/ClassLoader.loadClass;"
                + "jdk/internal/loader/BuiltinClassLoader.loadClass;java/util/jar/JarFile.match"));
        assertEquals(Category.CLASS_LOADING, classify("start_thread;io/netty/util/Recycler.get;InterpreterRuntime::resolve_from_cache;"
                + "LinkResolver::resolve_invoke;SymbolTable::lookup_shared"));
    }

    @Test
    void otherwiseTheLeafMostJavaFramesPackageDecides() {
        assertEquals(Category.OURS_CODEC, classify("start_thread;io/netty/channel/nio/NioIoHandler.run;io/zmtp/codec/FrameDecoder.decode"));
        assertEquals(Category.OURS_SOCKET, classify("start_thread;io/netty/channel/nio/NioIoHandler.run;io/zmtp/socket/pipe/Pipe.poll"));
        assertEquals(Category.OURS_OTHER, classify("start_thread;io/zmtp/cli/Main.main"));
        assertEquals(Category.BENCH, classify("start_thread;io/zmtp/bench/perf/InprocThr$$Lambda$1.0x00007f7c1c000400.call"));
        assertEquals(Category.NETTY, classify("start_thread;io/zmtp/socket/Socket.receive;io/netty/util/internal/RefCnt.release0"));
        // The leaf is native (an array copy stub), the leaf-most Java frame the JDK's.
        assertEquals(Category.JDK, classify("start_thread;io/zmtp/socket/Socket.drain;java/util/ArrayList.toArray;jbyte_disjoint_arraycopy_avx3"));
        assertEquals(Category.OTHER_JAVA, classify("start_thread;org/slf4j/LoggerFactory.getLogger"));
        assertEquals(Category.JDK, classify("start_thread;io/zmtp/socket/Socket.receive;java/util/ArrayDeque.poll_[j]"));
    }

    @Test
    void noJavaFrameIsNative() {
        assertEquals(Category.NATIVE, classify("start_thread;thread_native_entry;Thread::call_run;WatcherThread::run"));
        assertEquals(Category.NATIVE, StackClassifier.classify(List.of()));
    }
}
