/*
 * wake_pingpong: what it costs this machine to wake a sleeping thread.
 *
 *   wake_pingpong [round-trips]      (default 100000)
 *
 * Two threads of one process pass a turn back and forth through two eventfds, each sleeping in
 * poll() until the other writes its eventfd (the way libzmq's mailboxes wake a thread, and close
 * to what a futex wake-up costs a Java thread). It prints the mean round trip (two wake-ups) twice:
 * with the threads left to the scheduler, and with both pinned to the first CPU it may use, where
 * a wake-up is a switch on one CPU instead of a wake-up of another one that had gone idle.
 *
 * Every REQ/REP round trip over TCP between two libzmq-style processes (an application thread and
 * an I/O thread on each side) sleeps and wakes six times, so on a machine where the first figure
 * is large, latency cells measure mostly this, for every implementation alike. bench/compare.sh
 * prints both figures with its machine facts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct turn {
    int ping;   /* the first thread writes it, the second sleeps on it */
    int pong;   /* and the other way round */
    long rounds;
    int pin_cpu; /* -1: not pinned */
};

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void pin(int cpu) {
    if (cpu < 0) {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        die("pthread_setaffinity_np");
    }
}

static void signal_fd(int fd) {
    uint64_t one = 1;
    while (write(fd, &one, sizeof one) != sizeof one) {
        if (errno != EINTR) {
            die("write");
        }
    }
}

static void await_fd(int fd) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    for (;;) {
        if (poll(&p, 1, -1) < 0 && errno != EINTR) {
            die("poll");
        }
        uint64_t count;
        if (read(fd, &count, sizeof count) == sizeof count) {
            return;
        }
        if (errno != EAGAIN && errno != EINTR) {
            die("read");
        }
    }
}

static void *answer(void *arg) {
    struct turn *t = arg;
    pin(t->pin_cpu);
    for (long i = 0; i < t->rounds; i++) {
        await_fd(t->ping);
        signal_fd(t->pong);
    }
    return NULL;
}

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Mean microseconds per round trip; pin_cpu < 0 leaves both threads to the scheduler. */
static double measure(long rounds, int pin_cpu) {
    struct turn t = {.rounds = rounds, .pin_cpu = pin_cpu};
    t.ping = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    t.pong = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (t.ping < 0 || t.pong < 0) {
        die("eventfd");
    }
    cpu_set_t before;
    if (pthread_getaffinity_np(pthread_self(), sizeof before, &before) != 0) {
        die("pthread_getaffinity_np");
    }
    pin(pin_cpu);
    pthread_t other;
    if (pthread_create(&other, NULL, answer, &t) != 0) {
        die("pthread_create");
    }
    double start = now_us();
    for (long i = 0; i < rounds; i++) {
        signal_fd(t.ping);
        await_fd(t.pong);
    }
    double elapsed = now_us() - start;
    pthread_join(other, NULL);
    pthread_setaffinity_np(pthread_self(), sizeof before, &before);
    close(t.ping);
    close(t.pong);
    return elapsed / rounds;
}

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 100000;
    if (rounds <= 0) {
        fprintf(stderr, "usage: wake_pingpong [round-trips > 0]\n");
        return 2;
    }
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
        die("sched_getaffinity");
    }
    int first = 0;
    while (first < CPU_SETSIZE && !CPU_ISSET(first, &allowed)) {
        first++;
    }
    measure(rounds / 10 + 1, -1); /* let the threads and the CPUs settle */
    double free_us = measure(rounds, -1);
    double pinned_us = measure(rounds, first);
    printf("wake-up round trip (two threads, eventfd + poll): %.1f us scheduled freely, %.1f us on one CPU\n",
           free_us, pinned_us);
    return 0;
}
