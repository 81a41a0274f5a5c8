package io.zmtp.socket;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The NIO loops' wake-up pipe: no task waits for a loop that went to sleep (a lost wake-up would
 * leave it queued until the loop woke for something else, here never), tasks keep their order with
 * the loop's own {@code execute}, and a closed context leaves no pipe open.
 */
class NioWakeupTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Executor readyWakeup(ZmtpContext context, EventLoop loop) {
        Executor tasks = context.tasksFor(loop);
        assertThat(tasks).isInstanceOf(NioWakeup.class);
        await().atMost(WAIT).until(((NioWakeup) tasks)::isReady);
        return tasks;
    }

    @Test
    void aTaskFromAnotherThreadWakesASleepingLoopEveryTime() throws Exception {
        try (ZmtpContext context = new ZmtpContext(1, IoBackend.NIO)) {
            EventLoop loop = context.nextLoop();
            Executor tasks = readyWakeup(context, loop);
            // Each round waits for its task, so the loop has nothing left and goes back to its
            // select before the next one: every round needs a wake-up.
            for (int i = 0; i < 20_000; i++) {
                CountDownLatch ran = new CountDownLatch(1);
                tasks.execute(ran::countDown);
                assertThat(ran.await(10, TimeUnit.SECONDS)).as("task %d ran", i).isTrue();
            }
        }
    }

    @Test
    void tasksFromManyThreadsAllRun() throws Exception {
        try (ZmtpContext context = new ZmtpContext(1, IoBackend.NIO)) {
            EventLoop loop = context.nextLoop();
            Executor tasks = readyWakeup(context, loop);
            int threads = 4;
            int each = 50_000;
            CountDownLatch ran = new CountDownLatch(threads * each);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread s = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        tasks.execute(ran::countDown);
                        if (i % 1000 == 0) {
                            Thread.yield();
                        }
                    }
                });
                senders.add(s);
                s.start();
            }
            for (Thread s : senders) {
                s.join(WAIT.toMillis());
            }
            assertThat(ran.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("left: %d", ran.getCount()).isTrue();
        }
    }

    @Test
    void tasksKeepTheirOrderWithTheLoopsOwnExecute() throws Exception {
        try (ZmtpContext context = new ZmtpContext(1, IoBackend.NIO)) {
            EventLoop loop = context.nextLoop();
            Executor tasks = readyWakeup(context, loop);
            List<Integer> order = new ArrayList<>();
            int n = 10_000;
            CountDownLatch done = new CountDownLatch(1);
            for (int i = 0; i < n; i++) {
                int k = i;
                Runnable add = () -> {
                    order.add(k);
                    if (k == n - 1) {
                        done.countDown();
                    }
                };
                if (i % 3 == 0) {
                    loop.execute(add);
                } else {
                    tasks.execute(add);
                }
            }
            assertThat(done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            AtomicReference<List<Integer>> seen = new AtomicReference<>();
            loop.submit(() -> seen.set(new ArrayList<>(order))).get(10, TimeUnit.SECONDS);
            assertThat(seen.get()).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(seen.get().get(i)).isEqualTo(i);
            }
        }
    }

    @Test
    void aClosedContextLeavesNoPipeOpen() {
        List<NioWakeup> wakeups;
        try (ZmtpContext context = new ZmtpContext(2, IoBackend.NIO)) {
            wakeups = new ArrayList<>(context.nioWakeups());
            assertThat(wakeups).hasSize(2);
            await().atMost(WAIT).until(() -> wakeups.stream().allMatch(NioWakeup::isReady));
            assertThat(wakeups).allMatch(NioWakeup::isOpen);
        }
        assertThat(wakeups).noneMatch(NioWakeup::isOpen);
    }

    @Test
    void aUsersGroupAndANativeBackendUseTheLoopsOwnExecute() {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ZmtpContext context = new ZmtpContext(group)) {
            EventLoop loop = context.nextLoop();
            assertThat(context.tasksFor(loop)).isSameAs(loop);
            assertThat(context.nioWakeups()).isEmpty();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assumeTrue(IoBackend.EPOLL.isAvailable(), "epoll not available here");
        try (ZmtpContext context = new ZmtpContext(1, IoBackend.EPOLL)) {
            EventLoop loop = context.nextLoop();
            assertThat(context.tasksFor(loop)).isSameAs(loop);
        }
    }
}
