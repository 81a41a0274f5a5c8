/*
 * zmq_perf: libzmq's perf tools in one small program, the C peer of bench/compare.sh.
 *
 *   zmq_perf local_thr  <bind-to>    <message-size> <message-count>
 *   zmq_perf remote_thr <connect-to> <message-size> <message-count>
 *   zmq_perf local_lat  <bind-to>    <message-size> <roundtrip-count>
 *   zmq_perf remote_lat <connect-to> <message-size> <roundtrip-count>
 *
 * Each role behaves like libzmq's perf/<role> (same sockets, same positional arguments, same
 * output lines), so it can stand in for, or face, any other implementation of those tools:
 *   local_thr   PULL, bind; the clock starts when the first message is in, and the throughput is
 *               the message count divided by the time until the last one is in.
 *   remote_thr  PUSH, connect; sends everything, then closes with an unbounded linger.
 *   local_lat   REP, bind; echoes every request back.
 *   remote_lat  REQ, connect; round trips one after the other; prints the elapsed time divided by
 *               twice the round trips.
 *
 * Build: gcc -O2 -o bench/target/zmq_perf bench/native/zmq_perf.c -lzmq
 * Exit status: 0 on success, 1 on bad arguments, 255 when a libzmq call fails (as the tools'
 * `return -1`).
 */
#define _POSIX_C_SOURCE 200809L

#include <zmq.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXIT_USAGE 1
#define EXIT_FAIL 255

/* Microseconds on the monotonic clock. */
static uint64_t now_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static int fail (const char *what)
{
    fprintf (stderr, "error in %s: %s\n", what, zmq_strerror (zmq_errno ()));
    return EXIT_FAIL;
}

/* Parses a non-negative whole number; returns -1 when the text is not one. */
static long long parse_count (const char *text)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll (text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 0)
        return -1;
    return v;
}

struct args
{
    const char *endpoint;
    size_t size;
    long long count;
};

static int parse_args (int argc, char **argv, const char *usage, struct args *out)
{
    if (argc != 5) {
        fprintf (stderr, "%s\n", usage);
        return -1;
    }
    long long size = parse_count (argv[3]);
    long long count = parse_count (argv[4]);
    if (size < 0 || count < 1) {
        fprintf (stderr, "%s\n", usage);
        return -1;
    }
    out->endpoint = argv[2];
    out->size = (size_t) size;
    out->count = count;
    return 0;
}

/* Receives one message into msg and checks its size; 0 on success. */
static int recv_checked (void *s, zmq_msg_t *msg, size_t size)
{
    if (zmq_msg_recv (msg, s, 0) < 0)
        return fail ("zmq_msg_recv");
    if (zmq_msg_size (msg) != size) {
        fprintf (stderr, "message of incorrect size received\n");
        return EXIT_FAIL;
    }
    return 0;
}

static int local_thr (const struct args *a)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_PULL);
    if (!s)
        return fail ("zmq_socket");
    if (zmq_bind (s, a->endpoint) != 0)
        return fail ("zmq_bind");

    zmq_msg_t msg;
    zmq_msg_init (&msg);
    int rc = recv_checked (s, &msg, a->size);
    if (rc)
        return rc;
    uint64_t start = now_us ();
    for (long long i = 1; i < a->count; i++) {
        rc = recv_checked (s, &msg, a->size);
        if (rc)
            return rc;
    }
    uint64_t elapsed = now_us () - start;
    if (elapsed == 0)
        elapsed = 1;
    zmq_msg_close (&msg);

    double throughput_d = (double) a->count / (double) elapsed * 1000000.0;
    unsigned long throughput = (unsigned long) throughput_d;
    double megabits = (double) throughput * (double) a->size * 8.0 / 1000000.0;
    printf ("message size: %d [B]\n", (int) a->size);
    printf ("message count: %d\n", (int) a->count);
    printf ("mean throughput: %lu [msg/s]\n", throughput);
    printf ("mean throughput: %.3f [Mb/s]\n", megabits);
    fflush (stdout);

    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}

static int remote_thr (const struct args *a)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_PUSH);
    if (!s)
        return fail ("zmq_socket");
    int linger = -1;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect (s, a->endpoint) != 0)
        return fail ("zmq_connect");

    for (long long i = 0; i < a->count; i++) {
        zmq_msg_t msg;
        if (zmq_msg_init_size (&msg, a->size) != 0)
            return fail ("zmq_msg_init_size");
        if (zmq_msg_send (&msg, s, 0) < 0)
            return fail ("zmq_msg_send");
    }
    /* Unbounded linger: the context ends only once every message is out. */
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}

static int local_lat (const struct args *a)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_REP);
    if (!s)
        return fail ("zmq_socket");
    if (zmq_bind (s, a->endpoint) != 0)
        return fail ("zmq_bind");

    zmq_msg_t msg;
    zmq_msg_init (&msg);
    for (long long i = 0; i < a->count; i++) {
        int rc = recv_checked (s, &msg, a->size);
        if (rc)
            return rc;
        /* Sending hands the content over and leaves msg empty, ready for the next receive. */
        if (zmq_msg_send (&msg, s, 0) < 0)
            return fail ("zmq_msg_send");
    }
    zmq_msg_close (&msg);
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}

static int remote_lat (const struct args *a)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_REQ);
    if (!s)
        return fail ("zmq_socket");
    if (zmq_connect (s, a->endpoint) != 0)
        return fail ("zmq_connect");

    zmq_msg_t msg;
    if (zmq_msg_init_size (&msg, a->size) != 0)
        return fail ("zmq_msg_init_size");
    if (a->size > 0)
        memset (zmq_msg_data (&msg), 'x', a->size);

    uint64_t start = now_us ();
    for (long long i = 0; i < a->count; i++) {
        if (zmq_msg_send (&msg, s, 0) < 0)
            return fail ("zmq_msg_send");
        /* The reply lands in msg and is the next request. */
        int rc = recv_checked (s, &msg, a->size);
        if (rc)
            return rc;
    }
    uint64_t elapsed = now_us () - start;
    zmq_msg_close (&msg);

    double latency = (double) elapsed / ((double) a->count * 2.0);
    printf ("message size: %d [B]\n", (int) a->size);
    printf ("roundtrip count: %d\n", (int) a->count);
    printf ("average latency: %.3f [us]\n", latency);
    fflush (stdout);

    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}

static void usage_all (void)
{
    fprintf (stderr,
             "usage: zmq_perf local_thr <bind-to> <message-size> <message-count>\n"
             "       zmq_perf remote_thr <connect-to> <message-size> <message-count>\n"
             "       zmq_perf local_lat <bind-to> <message-size> <roundtrip-count>\n"
             "       zmq_perf remote_lat <connect-to> <message-size> <roundtrip-count>\n"
             "       zmq_perf version\n");
}

int main (int argc, char **argv)
{
    if (argc < 2) {
        usage_all ();
        return EXIT_USAGE;
    }
    const char *role = argv[1];
    struct args a;

    if (strcmp (role, "version") == 0) {
        int major, minor, patch;
        zmq_version (&major, &minor, &patch);
        printf ("%d.%d.%d\n", major, minor, patch);
        return 0;
    }
    if (strcmp (role, "local_thr") == 0) {
        if (parse_args (argc, argv, "usage: local_thr <bind-to> <message-size> <message-count>", &a))
            return EXIT_USAGE;
        return local_thr (&a);
    }
    if (strcmp (role, "remote_thr") == 0) {
        if (parse_args (argc, argv, "usage: remote_thr <connect-to> <message-size> <message-count>", &a))
            return EXIT_USAGE;
        return remote_thr (&a);
    }
    if (strcmp (role, "local_lat") == 0) {
        if (parse_args (argc, argv, "usage: local_lat <bind-to> <message-size> <roundtrip-count>", &a))
            return EXIT_USAGE;
        return local_lat (&a);
    }
    if (strcmp (role, "remote_lat") == 0) {
        if (parse_args (argc, argv, "usage: remote_lat <connect-to> <message-size> <roundtrip-count>", &a))
            return EXIT_USAGE;
        return remote_lat (&a);
    }
    fprintf (stderr, "zmq_perf: unknown role '%s'\n", role);
    usage_all ();
    return EXIT_USAGE;
}
