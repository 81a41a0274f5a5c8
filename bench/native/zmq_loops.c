/*
 * zmq_loops: the libzmq side of bench/loops.sh, the same roles, arguments and output line as our
 * io.zmtp.bench.loops.LoopTool, so a cell of the event-loop benchmark runs the same shape on
 * libzmq:
 *
 *   zmq_loops <role> <endpoint> <message-size> <connections> <warmup-seconds> <measure-seconds>
 *
 *   pull    binds one PULL and receives                     (fan-in; the measuring side)
 *   push    connects <connections> PUSH sockets and sends round them from one thread
 *   pub     binds one PUB with ZMQ_XPUB_NODROP and sends
 *   sub     connects <connections> SUBs subscribed to all   (fan-out; the measuring side)
 *   rep     binds one REP that echoes
 *   req     one REQ doing round trips one after another     (the measuring side)
 *   router  binds one ROUTER that echoes
 *   dealer  connects <connections> DEALERs, each with one request in flight (the measuring side)
 *
 * The clock of a process starts when every one of its connections is through its handshake
 * (ZMQ_EVENT_HANDSHAKE_SUCCEEDED from socket monitors); then <warmup-seconds> pass, then
 * <measure-seconds> are measured: messages handled, CPU time (getrusage, user + system) and, on
 * the measuring side, latency taken from the CLOCK_MONOTONIC time every body starts with. Sending
 * sides go on 1.5 s past their window so the other side's window sees traffic to its end. The
 * HWM is the tool's: 1,000 a pipe, less where the pipes of a side would hold more than 256 MiB
 * together (64 KiB over 1,000 connections: 4). One I/O thread, as zmq_ctx_new gives.
 *
 * Output, one line: loops-result role=R messages=M seconds=S cpu_seconds=C p50_us=.. p99_us=..
 * p999_us=.. max_us=.. (latency "-" on the sides that measure none).
 *
 * Build: gcc -O2 -o bench/target/zmq_loops bench/native/zmq_loops.c -lzmq
 * Exit status: 0 on success, 1 on bad arguments, 255 when a libzmq call fails.
 */
#define _POSIX_C_SOURCE 200809L

#include <zmq.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define EXIT_USAGE 1
#define EXIT_FAIL 255
#define MAX_CONNECTIONS 1000
#define TAIL_NS 1500000000ull
#define POLL_MS 100

static const char *USAGE =
  "usage: zmq_loops <role> <endpoint> <message-size> <connections> <warmup-seconds> <measure-seconds>\n"
  "  roles: pull push pub sub rep req router dealer (the first of each pair binds)";

/* ------------------------------------------------------------------ clock and CPU */

static uint64_t now_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static double cpu_seconds (void)
{
    struct rusage ru;
    getrusage (RUSAGE_SELF, &ru);
    return (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec / 1e6 + (double) ru.ru_stime.tv_sec
           + (double) ru.ru_stime.tv_usec / 1e6;
}

/* ------------------------------------------------------------------ latency histogram */

/* Log-linear buckets: exact below 2,048 ns, then 1,024 buckets per power of two (0.1 %). */
#define EXACT 2048
#define PER_OCTAVE 1024
static uint64_t hist[EXACT + 54 * PER_OCTAVE];
static uint64_t hist_total;
static uint64_t hist_max;

static void record (int64_t v)
{
    if (v < 0)
        v = 0;
    uint64_t u = (uint64_t) v;
    if (u > hist_max)
        hist_max = u;
    hist_total++;
    if (u < EXACT) {
        hist[u]++;
        return;
    }
    int e = 63 - __builtin_clzll (u); /* >= 11 */
    int shift = e - 10;
    uint64_t mant = u >> shift; /* 1024 .. 2047 */
    hist[EXACT + (size_t) (e - 11) * PER_OCTAVE + (size_t) (mant - PER_OCTAVE)]++;
}

static uint64_t bucket_value (size_t i)
{
    if (i < EXACT)
        return i;
    size_t k = i - EXACT;
    int e = (int) (k / PER_OCTAVE) + 11;
    int shift = e - 10;
    uint64_t mant = (uint64_t) (k % PER_OCTAVE) + PER_OCTAVE;
    return (mant << shift) + ((1ull << shift) >> 1);
}

static double percentile_us (double p)
{
    uint64_t want = (uint64_t) ((double) hist_total * p / 100.0 + 0.5);
    if (want < 1)
        want = 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < sizeof hist / sizeof hist[0]; i++) {
        seen += hist[i];
        if (seen >= want)
            return (double) bucket_value (i) / 1e3;
    }
    return (double) hist_max / 1e3;
}

static void hist_reset (void)
{
    memset (hist, 0, sizeof hist);
    hist_total = 0;
    hist_max = 0;
}

/* ------------------------------------------------------------------ the meter */

struct meter
{
    uint64_t start, warm_end, measure_end, send_end;
    int phase; /* 0 warm-up, 1 measuring, 2 measured */
    long long count, count0, count1;
    double cpu0, cpu1;
    uint64_t t0, t1;
};

static void meter_begin (struct meter *m, double warmup, double measure)
{
    m->start = now_ns ();
    m->warm_end = m->start + (uint64_t) (warmup * 1e9);
    m->measure_end = m->warm_end + (uint64_t) (measure * 1e9);
    m->send_end = m->measure_end + TAIL_NS;
    m->phase = 0;
}

/* Moves the phases on; returns the current time. */
static uint64_t meter_tick (struct meter *m)
{
    uint64_t t = now_ns ();
    if (m->phase == 0 && t >= m->warm_end) {
        m->count0 = m->count;
        m->cpu0 = cpu_seconds ();
        m->t0 = now_ns ();
        hist_reset ();
        m->phase = 1;
    }
    if (m->phase == 1 && t >= m->measure_end) {
        m->count1 = m->count;
        m->cpu1 = cpu_seconds ();
        m->t1 = now_ns ();
        m->phase = 2;
    }
    return t;
}

static void meter_print (const struct meter *m, const char *role, int latency)
{
    printf ("loops-result role=%s messages=%lld seconds=%.3f cpu_seconds=%.3f", role, m->count1 - m->count0,
            (double) (m->t1 - m->t0) / 1e9, m->cpu1 - m->cpu0);
    if (latency && hist_total > 0)
        printf (" p50_us=%.2f p99_us=%.2f p999_us=%.2f max_us=%.2f\n", percentile_us (50), percentile_us (99),
                percentile_us (99.9), (double) hist_max / 1e3);
    else
        printf (" p50_us=- p99_us=- p999_us=- max_us=-\n");
    fflush (stdout);
}

/* ------------------------------------------------------------------ helpers */

static int fail (const char *what)
{
    fprintf (stderr, "error in %s: %s\n", what, zmq_strerror (zmq_errno ()));
    return EXIT_FAIL;
}

static int hwm_for (long size, int connections)
{
    long long fit = (256ll << 20) / ((long long) size * connections);
    if (fit > 1000)
        fit = 1000;
    if (fit < 2)
        fit = 2;
    return (int) fit;
}

/* A body of size bytes stamped with the monotonic clock in its first eight. */
static int send_stamped (void *s, long size, int flags)
{
    zmq_msg_t msg;
    if (zmq_msg_init_size (&msg, (size_t) size) != 0)
        return -1;
    uint64_t t = now_ns ();
    memcpy (zmq_msg_data (&msg), &t, sizeof t);
    int rc = zmq_msg_send (&msg, s, flags);
    if (rc < 0)
        zmq_msg_close (&msg);
    return rc;
}

static int64_t age_of (zmq_msg_t *msg)
{
    uint64_t t;
    if (zmq_msg_size (msg) < sizeof t)
        return 0;
    memcpy (&t, zmq_msg_data (msg), sizeof t);
    return (int64_t) (now_ns () - t);
}

/* Poll items for reading each of the n sockets; NULL when out of memory. */
static zmq_pollitem_t *poll_items (void **socks, int n)
{
    zmq_pollitem_t *items = calloc ((size_t) n, sizeof *items);
    if (!items)
        return NULL;
    for (int i = 0; i < n; i++) {
        items[i].socket = socks[i];
        items[i].events = ZMQ_POLLIN;
    }
    return items;
}

/* Starts a handshake monitor on each socket (before it binds or connects); NULL on failure. */
static void **start_monitors (void *ctx, void **socks, int n)
{
    void **mons = calloc ((size_t) n, sizeof *mons);
    if (!mons)
        return NULL;
    for (int i = 0; i < n; i++) {
        char ep[64];
        snprintf (ep, sizeof ep, "inproc://loops-monitor-%d", i);
        if (zmq_socket_monitor (socks[i], ep, ZMQ_EVENT_HANDSHAKE_SUCCEEDED) != 0)
            return NULL;
        mons[i] = zmq_socket (ctx, ZMQ_PAIR);
        if (!mons[i] || zmq_connect (mons[i], ep) != 0)
            return NULL;
    }
    return mons;
}

/*
 * Waits until the monitors have reported `expected` successful handshakes in all (each event is
 * two frames); 0 on success, -1 after 60 s or on an error.
 */
static int await_handshakes (void **mons, int n, int expected)
{
    zmq_pollitem_t *items = poll_items (mons, n);
    if (!items)
        return -1;
    int seen = 0;
    uint64_t deadline = now_ns () + 60000000000ull;
    while (seen < expected) {
        if (now_ns () > deadline) {
            fprintf (stderr, "the connections were not up after 60 s (%d of %d)\n", seen, expected);
            free (items);
            return -1;
        }
        if (zmq_poll (items, n, POLL_MS) < 0) {
            free (items);
            return -1;
        }
        for (int i = 0; i < n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            zmq_msg_t frame;
            zmq_msg_init (&frame);
            int more = 1;
            while (more) {
                if (zmq_msg_recv (&frame, mons[i], 0) < 0) {
                    free (items);
                    return -1;
                }
                more = zmq_msg_more (&frame);
            }
            zmq_msg_close (&frame);
            seen++;
        }
    }
    free (items);
    return 0;
}

static void stop_monitors (void **socks, void **mons, int n)
{
    for (int i = 0; i < n; i++) {
        zmq_socket_monitor (socks[i], NULL, 0);
        int zero = 0;
        zmq_setsockopt (mons[i], ZMQ_LINGER, &zero, sizeof zero);
        zmq_close (mons[i]);
    }
    free (mons);
}

/* ------------------------------------------------------------------ the roles */

enum role { PULL, PUSH, PUB, SUB, REP, REQ, ROUTER, DEALER };
static const char *ROLE_NAMES[] = {"pull", "push", "pub", "sub", "rep", "req", "router", "dealer"};
static const int ROLE_TYPES[] = {ZMQ_PULL, ZMQ_PUSH, ZMQ_PUB, ZMQ_SUB, ZMQ_REP, ZMQ_REQ, ZMQ_ROUTER, ZMQ_DEALER};

struct run
{
    enum role role;
    const char *endpoint;
    long size;
    int connections;
    double warmup, measure;
};

/* pull: receive and time every message until the window is over. */
static int run_pull (void *s, struct meter *m)
{
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    while (meter_tick (m), m->phase < 2) {
        if (zmq_msg_recv (&msg, s, 0) < 0) {
            if (zmq_errno () == EAGAIN)
                continue;
            return fail ("zmq_msg_recv");
        }
        record (age_of (&msg));
        m->count++;
    }
    zmq_msg_close (&msg);
    return 0;
}

/* push and pub: send round the sockets; wait (briefly) only when every one was full. */
static int run_send (void **socks, int n, long size, struct meter *m)
{
    int next = 0, refused = 0;
    while (meter_tick (m) < m->send_end) {
        void *s = socks[next];
        if (++next == n)
            next = 0;
        int rc = send_stamped (s, size, refused < n ? ZMQ_DONTWAIT : 0);
        if (rc >= 0) {
            m->count++;
            refused = 0;
        } else if (zmq_errno () == EAGAIN) {
            refused++;
        } else {
            return fail ("zmq_msg_send");
        }
    }
    return 0;
}

/* sub: receive from whichever SUB has something, until the window is over. */
static int run_sub (void **socks, int n, struct meter *m)
{
    zmq_pollitem_t *items = poll_items (socks, n);
    if (!items)
        return EXIT_FAIL;
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    while (meter_tick (m), m->phase < 2) {
        if (zmq_poll (items, n, POLL_MS) < 0)
            return fail ("zmq_poll");
        for (int i = 0; i < n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            while (zmq_msg_recv (&msg, socks[i], ZMQ_DONTWAIT) >= 0) {
                record (age_of (&msg));
                m->count++;
            }
        }
    }
    zmq_msg_close (&msg);
    free (items);
    return 0;
}

/* rep and router: send every request back as it came (ROUTER: routing id first). */
static int run_echo (void *s, struct meter *m)
{
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    while (meter_tick (m) < m->send_end) {
        if (zmq_msg_recv (&msg, s, 0) < 0) {
            if (zmq_errno () == EAGAIN)
                continue;
            return fail ("zmq_msg_recv");
        }
        int more = zmq_msg_more (&msg);
        if (zmq_msg_send (&msg, s, more ? ZMQ_SNDMORE : 0) < 0)
            return fail ("zmq_msg_send");
        if (!more)
            m->count++;
    }
    zmq_msg_close (&msg);
    return 0;
}

/* req: round trips one after another until the window is over. */
static int run_req (void *s, long size, struct meter *m)
{
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    while (meter_tick (m), m->phase < 2) {
        if (send_stamped (s, size, 0) < 0)
            return fail ("zmq_msg_send");
        int rc;
        uint64_t deadline = now_ns () + 10000000000ull;
        while ((rc = zmq_msg_recv (&msg, s, 0)) < 0 && zmq_errno () == EAGAIN && now_ns () < deadline)
            ;
        if (rc < 0)
            return fail ("zmq_msg_recv (no reply within 10 s)");
        record (age_of (&msg));
        m->count++;
    }
    zmq_msg_close (&msg);
    return 0;
}

/* dealer: each DEALER keeps one request in flight; a reply sends the next. */
static int run_dealers (void **socks, int n, long size, struct meter *m)
{
    zmq_pollitem_t *items = poll_items (socks, n);
    if (!items)
        return EXIT_FAIL;
    for (int i = 0; i < n; i++)
        if (send_stamped (socks[i], size, 0) < 0)
            return fail ("zmq_msg_send");
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    while (meter_tick (m), m->phase < 2) {
        if (zmq_poll (items, n, POLL_MS) < 0)
            return fail ("zmq_poll");
        for (int i = 0; i < n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            while (zmq_msg_recv (&msg, socks[i], ZMQ_DONTWAIT) >= 0) {
                record (age_of (&msg));
                m->count++;
                if (send_stamped (socks[i], size, ZMQ_DONTWAIT) < 0 && zmq_errno () != EAGAIN)
                    return fail ("zmq_msg_send");
            }
        }
    }
    zmq_msg_close (&msg);
    free (items);
    return 0;
}

/* ------------------------------------------------------------------ main */

static int parse (int argc, char **argv, struct run *r)
{
    if (argc != 7)
        return -1;
    int found = 0;
    for (int i = 0; i < 8; i++)
        if (strcmp (argv[1], ROLE_NAMES[i]) == 0) {
            r->role = (enum role) i;
            found = 1;
        }
    char *end;
    r->endpoint = argv[2];
    r->size = strtol (argv[3], &end, 10);
    if (!found || *end || r->size < 8 || r->size > 16 * 1024 * 1024)
        return -1;
    r->connections = (int) strtol (argv[4], &end, 10);
    if (*end || r->connections < 1 || r->connections > MAX_CONNECTIONS)
        return -1;
    if ((r->role == REP || r->role == REQ) && r->connections != 1)
        return -1;
    r->warmup = strtod (argv[5], &end);
    if (*end || !(r->warmup >= 0 && r->warmup <= 600))
        return -1;
    r->measure = strtod (argv[6], &end);
    if (*end || !(r->measure >= 0.1 && r->measure <= 600))
        return -1;
    return 0;
}

int main (int argc, char **argv)
{
    struct run r = {0};
    if (parse (argc, argv, &r) != 0) {
        fprintf (stderr, "%s\n", USAGE);
        return EXIT_USAGE;
    }
    int binds = r.role == PULL || r.role == PUB || r.role == REP || r.role == ROUTER;
    int n = binds ? 1 : r.connections;
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    /* Each connecting socket brings a monitor and its PAIR reader: three sockets a connection. */
    zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 3 * MAX_CONNECTIONS + 64);
    void **socks = calloc ((size_t) n, sizeof *socks);
    if (!socks)
        return EXIT_FAIL;
    int hwm = hwm_for (r.size, r.connections), timeout = POLL_MS, one = 1;
    for (int i = 0; i < n; i++) {
        socks[i] = zmq_socket (ctx, ROLE_TYPES[r.role]);
        if (!socks[i])
            return fail ("zmq_socket");
        zmq_setsockopt (socks[i], ZMQ_SNDHWM, &hwm, sizeof hwm);
        zmq_setsockopt (socks[i], ZMQ_RCVHWM, &hwm, sizeof hwm);
        zmq_setsockopt (socks[i], ZMQ_SNDTIMEO, &timeout, sizeof timeout);
        zmq_setsockopt (socks[i], ZMQ_RCVTIMEO, &timeout, sizeof timeout);
        if (r.role == PUB && zmq_setsockopt (socks[i], ZMQ_XPUB_NODROP, &one, sizeof one) != 0)
            return fail ("zmq_setsockopt ZMQ_XPUB_NODROP");
        if (r.role == SUB && zmq_setsockopt (socks[i], ZMQ_SUBSCRIBE, "", 0) != 0)
            return fail ("zmq_setsockopt ZMQ_SUBSCRIBE");
    }
    void **mons = start_monitors (ctx, socks, n);
    if (!mons)
        return fail ("zmq_socket_monitor");
    for (int i = 0; i < n; i++) {
        if (binds ? zmq_bind (socks[i], r.endpoint) != 0 : zmq_connect (socks[i], r.endpoint) != 0)
            return fail (binds ? "zmq_bind" : "zmq_connect");
    }
    if (await_handshakes (mons, n, r.connections) != 0)
        return EXIT_FAIL;
    stop_monitors (socks, mons, n);

    struct meter m;
    memset (&m, 0, sizeof m);
    meter_begin (&m, r.warmup, r.measure);
    int rc = 0;
    switch (r.role) {
        case PULL: rc = run_pull (socks[0], &m); break;
        case PUSH:
        case PUB: rc = run_send (socks, n, r.size, &m); break;
        case SUB: rc = run_sub (socks, n, &m); break;
        case REP:
        case ROUTER: rc = run_echo (socks[0], &m); break;
        case REQ: rc = run_req (socks[0], r.size, &m); break;
        case DEALER: rc = run_dealers (socks, n, r.size, &m); break;
    }
    if (rc != 0)
        return rc;
    /* A side that stopped at its window's end ticks no more; make sure its window closed. */
    while (m.phase < 2) {
        struct timespec ts = {0, 1000000};
        nanosleep (&ts, NULL);
        meter_tick (&m);
    }
    meter_print (&m, ROLE_NAMES[r.role], r.role == PULL || r.role == SUB || r.role == REQ || r.role == DEALER);
    int zero = 0;
    for (int i = 0; i < n; i++) {
        zmq_setsockopt (socks[i], ZMQ_LINGER, &zero, sizeof zero);
        zmq_close (socks[i]);
    }
    free (socks);
    zmq_ctx_term (ctx);
    return 0;
}
