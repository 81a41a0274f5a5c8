/*
 * zmq_perf: libzmq's perf tools in one small program, the C peer of bench/compare.sh.
 *
 *   zmq_perf local_thr  <bind-to>    <message-size> <message-count>
 *   zmq_perf remote_thr <connect-to> <message-size> <message-count>
 *   zmq_perf local_lat  <bind-to>    <message-size> <roundtrip-count>
 *   zmq_perf remote_lat <connect-to> <message-size> <roundtrip-count>
 *   zmq_perf pub_thr    <bind-to>    <message-size> <message-count> <subscribers>
 *   zmq_perf sub_thr    <connect-to> <message-size> <message-count> [<subscribers> [<filters>]]
 *   zmq_perf inproc_thr <message-size> <message-count>
 *
 * The first four roles behave like libzmq's perf/<role> (same sockets, same positional
 * arguments, same output lines), so each can stand in for, or face, any other implementation of
 * those tools:
 *   local_thr   PULL, bind; the clock starts when the first message is in, and the throughput is
 *               the message count divided by the time until the last one is in.
 *   remote_thr  PUSH, connect; sends everything, then closes with an unbounded linger.
 *   local_lat   REP, bind; echoes every request back.
 *   remote_lat  REQ, connect; round trips one after the other; prints the elapsed time divided by
 *               twice the round trips.
 *   inproc_thr  local_thr and remote_thr in one process over inproc://thr_test, as libzmq's
 *               perf/inproc_thr: the main thread binds the PULL, a thread of its own connects a
 *               PUSH (same context) and sends; timed and printed like local_thr. libzmq's inproc
 *               has no I/O thread between the two: the sender writes the pipe the receiver reads.
 * libzmq has no PUB/SUB throughput tool; pub_thr and sub_thr are the bench's own pair, the same
 * in our Java tools (io.zmtp.bench.perf.PubThr/SubThr) and their JeroMQ twins:
 *   pub_thr     XPUB with XPUB_VERBOSE, XPUB_NODROP and SNDHWM 100000, bind; waits until it has
 *               received one subscription message (0x01 topic) per expected subscriber, so no
 *               message goes out before every filter is in place; then sends like remote_thr.
 *               XPUB_NODROP makes the publisher wait at the HWM for a slower subscriber instead
 *               of dropping what it has not taken, with the publisher's memory bounded.
 *   sub_thr     <subscribers> (default 1) SUB sockets subscribed to everything, one thread each,
 *               on one context; each is timed like local_thr. Prints local_thr's four lines for
 *               one subscriber; for more, a "subscribers: N" line and one line per subscriber
 *               come before the two "mean throughput" lines, which then hold the subscribers'
 *               mean.
 *
 * With ZMTP_PERF_CURVE=1 in the environment, local_thr is a CURVE server and remote_thr its
 * client, with the fixed benchmark-only keys below (the same as io.zmtp.bench.BenchCurve).
 *
 * The CURVE handshake benchmark, the same in our Java tools (io.zmtp.bench.perf.CurveHsServer/
 * CurveHsClient) and their JeroMQ twins (rules shared in io.zmtp.bench.HandshakeBench):
 *   curve_hs_server <bind-to> <handshake-count>
 *               ROUTER, CURVE server with the fixed keys, bind; a ZAP handler (REP on
 *               inproc://zeromq.zap.01, its own thread) admits a client iff its public key is in a
 *               set of 1,000 (the benchmark client's and 999 made by splitmix64 from a fixed seed,
 *               held in a hash table). Sends each request back and ends after handshake-count
 *               requests (one per connection: each proves a completed handshake). Prints the
 *               count, the ZAP decisions, handshakes/s and process CPU time (getrusage, user + sys)
 *               per handshake, both from the first ZAP request to the last request in.
 *   curve_hs_client <connect-to> <handshake-count> [<parallel>]
 *               <parallel> (default 16, at most 512) threads on one context; each, until
 *               handshake-count connections have been made in all, opens a fresh DEALER (CURVE
 *               client with the fixed keys, LINGER 0), connects, sends "hs", waits for it to come
 *               back, closes. Prints handshakes/s from before the first socket to after the last
 *               close.
 *   curve_hs_keys  prints the server's key set, one key a line in hex (for the tests).
 *
 * Build: gcc -O2 -pthread -o bench/target/zmq_perf bench/native/zmq_perf.c -lzmq
 * Exit status: 0 on success, 1 on bad arguments, 255 when a libzmq call fails (as the tools'
 * `return -1`).
 */
#define _POSIX_C_SOURCE 200809L

#include <zmq.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#define EXIT_USAGE 1
#define EXIT_FAIL 255
#define MAX_SUBSCRIBERS 1000
/* Subscriptions per SUB in sub_thr (their numbers fit two bytes), and the zero bytes every
   pub_thr message starts with. */
#define MAX_FILTERS 10000
#define ZERO_PREFIX 4

/* CURVE keys of the benchmark, Z85. Published, benchmark-only: never protect anything with them. */
#define CURVE_SERVER_PUBLIC "AOZ3aa(qyE[d.R%=ezO78iy=>yeaTBfk=R59?qaD"
#define CURVE_SERVER_SECRET "1xychLr{6+mdWSN{^c?h^y.j$j)tK&%8#xJexBQT"
#define CURVE_CLIENT_PUBLIC "a=+20K3Bj!W]36bzPS$.uML?lrBkvR:wKAA0.@$w"
#define CURVE_CLIENT_SECRET "s&f8XroZsi*$VxRE>>Bze!wY-OJcD-OR/2SIY]A0"

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

/* Parses a subscriber count, 1 to MAX_SUBSCRIBERS; returns -1 when the text is not one. */
static int parse_subscribers (const char *text)
{
    long long n = parse_count (text);
    return n < 1 || n > MAX_SUBSCRIBERS ? -1 : (int) n;
}

/*
 * Whether ZMTP_PERF_CURVE asks for CURVE: 1 when it does, 0 when not (unset, empty, 0, false,
 * no, off), -1 (after saying why) for any other value, so a typo cannot pass a plain run off as
 * a CURVE one.
 */
static int curve_requested (void)
{
    const char *raw = getenv ("ZMTP_PERF_CURVE");
    if (!raw)
        return 0;
    /* The value without surrounding blanks, if it is short enough to be one of ours. */
    char v[8] = "";
    const char *from = raw;
    while (isspace ((unsigned char) *from))
        from++;
    size_t n = strlen (from);
    while (n > 0 && isspace ((unsigned char) from[n - 1]))
        n--;
    static const char *on[] = {"1", "true", "yes", "on"};
    static const char *off[] = {"", "0", "false", "no", "off"};
    if (n < sizeof v) {
        memcpy (v, from, n);
        v[n] = '\0';
        for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
            if (strcasecmp (v, on[i]) == 0)
                return 1;
        for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
            if (strcasecmp (v, off[i]) == 0)
                return 0;
    }
    fprintf (stderr, "ZMTP_PERF_CURVE must be 1 (CURVE) or 0 (plain), got '%s'\n", raw);
    return -1;
}

/* Makes s the CURVE server of the benchmark's keys; 0 on success. */
static int curve_server (void *s)
{
    int one = 1;
    if (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one) != 0)
        return fail ("zmq_setsockopt ZMQ_CURVE_SERVER");
    if (zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, CURVE_SERVER_SECRET, 40) != 0)
        return fail ("zmq_setsockopt ZMQ_CURVE_SECRETKEY");
    return 0;
}

/* Makes s a CURVE client of the benchmark's keys; 0 on success. */
static int curve_client (void *s)
{
    if (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, CURVE_SERVER_PUBLIC, 40) != 0)
        return fail ("zmq_setsockopt ZMQ_CURVE_SERVERKEY");
    if (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, CURVE_CLIENT_PUBLIC, 40) != 0)
        return fail ("zmq_setsockopt ZMQ_CURVE_PUBLICKEY");
    if (zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, CURVE_CLIENT_SECRET, 40) != 0)
        return fail ("zmq_setsockopt ZMQ_CURVE_SECRETKEY");
    return 0;
}

/* msg/s as local_thr computes it: count / elapsed_us * 1e6, truncated. */
static unsigned long throughput_of (long long count, uint64_t elapsed_us)
{
    if (elapsed_us == 0)
        elapsed_us = 1;
    return (unsigned long) ((double) count / (double) elapsed_us * 1000000.0);
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

/* Receives a->count messages of a->size bytes on s; *elapsed is the time from the first one in to the
   last, as libzmq's local_thr measures. 0 on success. */
static int receive_timed (void *s, const struct args *a, uint64_t *elapsed)
{
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
    *elapsed = now_us () - start;
    zmq_msg_close (&msg);
    return 0;
}

/* local_thr's four lines. */
static void print_throughput (const struct args *a, uint64_t elapsed)
{
    unsigned long throughput = throughput_of (a->count, elapsed);
    double megabits = (double) throughput * (double) a->size * 8.0 / 1000000.0;
    printf ("message size: %d [B]\n", (int) a->size);
    printf ("message count: %d\n", (int) a->count);
    printf ("mean throughput: %lu [msg/s]\n", throughput);
    printf ("mean throughput: %.3f [Mb/s]\n", megabits);
    fflush (stdout);
}

static int local_thr (const struct args *a, int curve)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_PULL);
    if (!s)
        return fail ("zmq_socket");
    if (curve && curve_server (s) != 0)
        return EXIT_FAIL;
    if (zmq_bind (s, a->endpoint) != 0)
        return fail ("zmq_bind");

    uint64_t elapsed;
    int rc = receive_timed (s, a, &elapsed);
    if (rc)
        return rc;

    print_throughput (a, elapsed);

    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}

static int remote_thr (const struct args *a, int curve)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_PUSH);
    if (!s)
        return fail ("zmq_socket");
    int linger = -1;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    if (curve && curve_client (s) != 0)
        return EXIT_FAIL;
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

static int send_all (void *s, const struct args *a);

/* inproc_thr's sender: its own PUSH on the receiver's context. */
struct inproc_sender
{
    void *ctx;
    const struct args *a;
    int rc;
};

static void *inproc_send (void *arg)
{
    struct inproc_sender *w = arg;
    void *s = zmq_socket (w->ctx, ZMQ_PUSH);
    if (!s) {
        w->rc = fail ("zmq_socket");
        return NULL;
    }
    if (zmq_connect (s, w->a->endpoint) != 0)
        w->rc = fail ("zmq_connect");
    else
        w->rc = send_all (s, w->a);
    zmq_close (s);
    return NULL;
}

static int inproc_thr (const struct args *a)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_PULL);
    if (!s)
        return fail ("zmq_socket");
    if (zmq_bind (s, a->endpoint) != 0)
        return fail ("zmq_bind");
    struct inproc_sender w = {ctx, a, 0};
    pthread_t sender;
    if (pthread_create (&sender, NULL, inproc_send, &w) != 0) {
        fprintf (stderr, "error in pthread_create\n");
        return EXIT_FAIL;
    }

    uint64_t elapsed;
    int rc = receive_timed (s, a, &elapsed);
    if (rc)
        return rc;
    pthread_join (sender, NULL);
    if (w.rc)
        return w.rc;

    print_throughput (a, elapsed);

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

/* Sends count messages of size bytes on s; 0 on success. */
static int send_all (void *s, const struct args *a)
{
    for (long long i = 0; i < a->count; i++) {
        zmq_msg_t msg;
        if (zmq_msg_init_size (&msg, a->size) != 0)
            return fail ("zmq_msg_init_size");
        /* The subscribers match on the first bytes (see filter_topic); zero them. */
        memset (zmq_msg_data (&msg), 0, a->size < ZERO_PREFIX ? a->size : ZERO_PREFIX);
        if (zmq_msg_send (&msg, s, 0) < 0)
            return fail ("zmq_msg_send");
    }
    return 0;
}

/* True when bytes [from, size) of data are all zero: a matching topic (see filter_topic). */
static int zero_topic (const unsigned char *data, size_t from, size_t size)
{
    for (size_t i = from; i < size; i++)
        if (data[i] != 0)
            return 0;
    return 1;
}

/* Receives on an XPUB until it has seen `subscribers` matching subscriptions (0x01 then zero
   bytes only); each SUB has exactly one, whatever its other filters. */
static int await_subscriptions (void *s, int subscribers)
{
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    for (int seen = 0; seen < subscribers;) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            return fail ("zmq_msg_recv");
        const unsigned char *d = zmq_msg_data (&msg);
        if (zmq_msg_size (&msg) >= 1 && d[0] == 1 && zero_topic (d, 1, zmq_msg_size (&msg)))
            seen++;
    }
    zmq_msg_close (&msg);
    return 0;
}

static int pub_thr (const struct args *a, int subscribers)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_XPUB);
    if (!s)
        return fail ("zmq_socket");
    int linger = -1, hwm = 100000, verbose = 1, nodrop = 1;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_setsockopt (s, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0)
        return fail ("zmq_setsockopt ZMQ_SNDHWM");
    if (zmq_setsockopt (s, ZMQ_XPUB_VERBOSE, &verbose, sizeof verbose) != 0)
        return fail ("zmq_setsockopt ZMQ_XPUB_VERBOSE");
    if (zmq_setsockopt (s, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop) != 0)
        return fail ("zmq_setsockopt ZMQ_XPUB_NODROP");
    if (zmq_bind (s, a->endpoint) != 0)
        return fail ("zmq_bind");
    int rc = await_subscriptions (s, subscribers);
    if (rc)
        return rc;
    rc = send_all (s, a);
    if (rc)
        return rc;
    /* Unbounded linger: the context ends only once every subscriber's queue is out. */
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}

/* What the subscriber threads of one sub_thr run share. */
struct sub_run
{
    void *ctx;
    const struct args *a;
    int filters;
    pthread_mutex_t lock;
    int failed;
    char why[256];
};

/* One subscriber: its thread, and the microseconds from its first message to its last. */
struct subscriber
{
    struct sub_run *run;
    pthread_t thread;
    uint64_t elapsed;
};

/*
 * Records the first failure of a run and shuts the context down, which makes every other
 * subscriber's blocking receive return (ETERM) so its thread ends too.
 */
static void *sub_failed (struct sub_run *run, const char *what)
{
    char why[256];
    if (strcmp (what, "message of incorrect size received") == 0)
        snprintf (why, sizeof why, "%s", what);
    else
        snprintf (why, sizeof why, "error in %s: %s", what, zmq_strerror (zmq_errno ()));
    pthread_mutex_lock (&run->lock);
    int first = !run->failed;
    if (first) {
        run->failed = 1;
        snprintf (run->why, sizeof run->why, "%s", why);
    }
    pthread_mutex_unlock (&run->lock);
    if (first)
        zmq_ctx_shutdown (run->ctx);
    return NULL;
}

/* The topic of subscription f (1-based) of `filters`, as the Java tools make them
   (io.zmtp.bench.perf.SubscriptionFilters): one filter is the empty topic, which matches
   everything; otherwise filters 1..n-1 are 00 00 hi lo (never matching a message, whose first
   bytes are zero) and the last is ZERO_PREFIX zero bytes, which matches. Returns its length. */
static size_t filter_topic (int f, int filters, unsigned char *topic)
{
    if (filters == 1)
        return 0;
    memset (topic, 0, ZERO_PREFIX);
    if (f < filters) {
        topic[2] = (unsigned char) (f >> 8);
        topic[3] = (unsigned char) f;
    }
    return ZERO_PREFIX;
}

/* A subscriber's thread: its own SUB socket with its filters, timed like local_thr. */
static void *subscriber_main (void *arg)
{
    struct subscriber *me = arg;
    struct sub_run *run = me->run;
    const struct args *a = run->a;
    void *s = zmq_socket (run->ctx, ZMQ_SUB);
    if (!s)
        return sub_failed (run, "zmq_socket");
    const char *what = NULL;
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    for (int f = 1; !what && f <= run->filters; f++) {
        unsigned char topic[ZERO_PREFIX];
        size_t len = filter_topic (f, run->filters, topic);
        if (zmq_setsockopt (s, ZMQ_SUBSCRIBE, topic, len) != 0)
            what = "zmq_setsockopt ZMQ_SUBSCRIBE";
    }
    if (!what && zmq_connect (s, a->endpoint) != 0)
        what = "zmq_connect";
    uint64_t start = 0;
    for (long long i = 0; !what && i < a->count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            what = "zmq_msg_recv";
        else if (zmq_msg_size (&msg) != a->size)
            what = "message of incorrect size received";
        else if (i == 0)
            start = now_us ();
    }
    if (!what)
        me->elapsed = now_us () - start;
    zmq_msg_close (&msg);
    if (what)
        sub_failed (run, what);
    int linger = 0;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close (s);
    return NULL;
}

static int sub_thr (const struct args *a, int subscribers, int filters)
{
    struct sub_run run = {.a = a, .filters = filters, .failed = 0};
    pthread_mutex_init (&run.lock, NULL);
    run.ctx = zmq_ctx_new ();
    if (!run.ctx)
        return fail ("zmq_ctx_new");
    struct subscriber *subs = calloc ((size_t) subscribers, sizeof *subs);
    if (!subs) {
        fprintf (stderr, "out of memory\n");
        return EXIT_FAIL;
    }
    int started = 0;
    for (; started < subscribers; started++) {
        subs[started].run = &run;
        if (pthread_create (&subs[started].thread, NULL, subscriber_main, &subs[started]) != 0) {
            pthread_mutex_lock (&run.lock);
            if (!run.failed) {
                run.failed = 1;
                snprintf (run.why, sizeof run.why, "error in pthread_create");
            }
            pthread_mutex_unlock (&run.lock);
            zmq_ctx_shutdown (run.ctx);
            break;
        }
    }
    for (int i = 0; i < started; i++)
        pthread_join (subs[i].thread, NULL);
    zmq_ctx_term (run.ctx);
    if (run.failed) {
        fprintf (stderr, "%s\n", run.why);
        free (subs);
        return EXIT_FAIL;
    }

    unsigned long long sum = 0;
    for (int i = 0; i < subscribers; i++)
        sum += throughput_of (a->count, subs[i].elapsed);
    unsigned long mean = (unsigned long) (sum / (unsigned long long) subscribers);
    double megabits = (double) mean * (double) a->size * 8.0 / 1000000.0;
    printf ("message size: %d [B]\n", (int) a->size);
    printf ("message count: %d\n", (int) a->count);
    if (subscribers > 1) {
        printf ("subscribers: %d\n", subscribers);
        for (int i = 0; i < subscribers; i++)
            printf ("subscriber %d throughput: %lu [msg/s]\n", i + 1, throughput_of (a->count, subs[i].elapsed));
    }
    printf ("mean throughput: %lu [msg/s]\n", mean);
    printf ("mean throughput: %.3f [Mb/s]\n", megabits);
    fflush (stdout);
    free (subs);
    pthread_mutex_destroy (&run.lock);
    return 0;
}

/* ------------------------------------------------------------------ CURVE handshakes */

/* The rules of io.zmtp.bench.HandshakeBench. */
#define HS_KEYS 1000
#define HS_KEY_SLOTS 2048 /* a power of two, at least twice HS_KEYS */
#define HS_KEY_SEED 0x5A4D54502D4853ULL
#define HS_DEFAULT_PARALLEL 16
#define HS_MAX_PARALLEL 512
#define HS_SERVER_LINGER_MS 1000
#define HS_RECEIVE_SLICE_MS 200
#define HS_USER_ID "bench"
static const char hs_request[2] = {'h', 's'};

/* The admitted public keys: an open-addressing hash table (linear probing) of 32-byte keys. */
struct hs_keyset
{
    unsigned char key[HS_KEY_SLOTS][32];
    unsigned char used[HS_KEY_SLOTS];
};

static uint64_t splitmix64 (uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* FNV-1a over the 32 bytes. */
static size_t hs_key_slot (const unsigned char *key)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    for (int i = 0; i < 32; i++)
        h = (h ^ key[i]) * 0x100000001B3ULL;
    return (size_t) (h & (HS_KEY_SLOTS - 1));
}

static int hs_keyset_has (const struct hs_keyset *set, const unsigned char *key)
{
    for (size_t i = hs_key_slot (key); set->used[i]; i = (i + 1) & (HS_KEY_SLOTS - 1))
        if (memcmp (set->key[i], key, 32) == 0)
            return 1;
    return 0;
}

static void hs_keyset_add (struct hs_keyset *set, const unsigned char *key)
{
    size_t i = hs_key_slot (key);
    while (set->used[i]) {
        if (memcmp (set->key[i], key, 32) == 0)
            return;
        i = (i + 1) & (HS_KEY_SLOTS - 1);
    }
    memcpy (set->key[i], key, 32);
    set->used[i] = 1;
}

/* The next generated key: four splitmix64 values, 8 little-endian bytes each. */
static void hs_generated_key (uint64_t *state, unsigned char *key)
{
    for (int word = 0; word < 4; word++) {
        uint64_t v = splitmix64 (state);
        for (int b = 0; b < 8; b++)
            key[word * 8 + b] = (unsigned char) (v >> (8 * b));
    }
}

/* The benchmark client's key and HS_KEYS - 1 generated ones. */
static int hs_keyset_build (struct hs_keyset *set)
{
    unsigned char key[32];
    if (!zmq_z85_decode (key, CURVE_CLIENT_PUBLIC)) {
        fprintf (stderr, "error in zmq_z85_decode\n");
        return EXIT_FAIL;
    }
    hs_keyset_add (set, key);
    uint64_t state = HS_KEY_SEED;
    for (int k = 1; k < HS_KEYS; k++) {
        hs_generated_key (&state, key);
        hs_keyset_add (set, key);
    }
    return 0;
}

/* curve_hs_keys: the key set, one key a line in hex, in the order it was made (the tests compare
   it with io.zmtp.bench.HandshakeBench.keySet()). */
static int curve_hs_keys (void)
{
    unsigned char key[32];
    if (!zmq_z85_decode (key, CURVE_CLIENT_PUBLIC)) {
        fprintf (stderr, "error in zmq_z85_decode\n");
        return EXIT_FAIL;
    }
    uint64_t state = HS_KEY_SEED;
    for (int k = 0; k < HS_KEYS; k++) {
        if (k > 0)
            hs_generated_key (&state, key);
        for (int i = 0; i < 32; i++)
            printf ("%02x", key[i]);
        printf ("\n");
    }
    fflush (stdout);
    return 0;
}

/* User + system CPU time of the whole process, in microseconds. */
static uint64_t process_cpu_us (void)
{
    struct rusage ru;
    getrusage (RUSAGE_SELF, &ru);
    return (uint64_t) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u
           + (uint64_t) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* The ZAP handler's thread and what it shares with the server's main thread. */
struct hs_zap
{
    void *rep;
    const struct hs_keyset *keys;
    pthread_t thread;
    int stop;         /* set by main, read atomically */
    int failed;       /* set by the handler before it ends */
    long long accepted, refused;
    int started;      /* set (release) once start_us and start_cpu_us hold the first request's times */
    uint64_t start_us, start_cpu_us;
};

/* Receives one frame into msg: 1 when there was one, 0 on the receive timeout, -1 on failure. */
static int recv_frame (void *s, zmq_msg_t *msg)
{
    if (zmq_msg_recv (msg, s, 0) >= 0)
        return 1;
    return zmq_errno () == EAGAIN ? 0 : -1;
}

static int frame_is (zmq_msg_t *msg, const char *text)
{
    size_t n = strlen (text);
    return zmq_msg_size (msg) == n && memcmp (zmq_msg_data (msg), text, n) == 0;
}

static int send_frame (void *s, const void *data, size_t size, int more)
{
    return zmq_send (s, data, size, more ? ZMQ_SNDMORE : 0) < 0 ? -1 : 0;
}

/* RFC 27: the request after REP took its envelope off is version, request id, domain, address,
   identity, mechanism, credentials; the reply is version, request id, status code, status text,
   user id, metadata. */
static void *hs_zap_main (void *arg)
{
    struct hs_zap *zap = arg;
    zmq_msg_t frame[8];
    for (int i = 0; i < 8; i++)
        zmq_msg_init (&frame[i]);
    while (!__atomic_load_n (&zap->stop, __ATOMIC_ACQUIRE)) {
        int got = recv_frame (zap->rep, &frame[0]);
        if (got == 0)
            continue;
        if (got < 0)
            break;
        if (!__atomic_load_n (&zap->started, __ATOMIC_RELAXED)) {
            zap->start_cpu_us = process_cpu_us ();
            zap->start_us = now_us ();
            __atomic_store_n (&zap->started, 1, __ATOMIC_RELEASE);
        }
        int n = 1, failed = 0;
        while (zmq_msg_more (&frame[n - 1])) {
            zmq_msg_t *into = n < 8 ? &frame[n] : &frame[7];
            if (zmq_msg_recv (into, zap->rep, 0) < 0) {
                failed = 1;
                break;
            }
            if (n < 8)
                n++;
        }
        if (failed)
            break;
        int ok = n == 7 && frame_is (&frame[0], "1.0") && frame_is (&frame[5], "CURVE")
                 && zmq_msg_size (&frame[6]) == 32 && hs_keyset_has (zap->keys, zmq_msg_data (&frame[6]));
        if (ok)
            zap->accepted++;
        else
            zap->refused++;
        const char *status = ok ? "200" : "400";
        const char *text = ok ? "OK" : "key not allowed";
        const char *user = ok ? HS_USER_ID : "";
        if (send_frame (zap->rep, "1.0", 3, 1) || send_frame (zap->rep, zmq_msg_data (&frame[1]), zmq_msg_size (&frame[1]), 1)
            || send_frame (zap->rep, status, 3, 1) || send_frame (zap->rep, text, strlen (text), 1)
            || send_frame (zap->rep, user, strlen (user), 1) || send_frame (zap->rep, "", 0, 0))
            break;
    }
    int failed = !__atomic_load_n (&zap->stop, __ATOMIC_ACQUIRE);
    if (failed)
        fprintf (stderr, "error in the ZAP handler: %s\n", zmq_strerror (zmq_errno ()));
    for (int i = 0; i < 8; i++)
        zmq_msg_close (&frame[i]);
    zmq_close (zap->rep);
    __atomic_store_n (&zap->failed, failed, __ATOMIC_RELEASE);
    return NULL;
}

/* Receives one request on the ROUTER: the routing id into id, then exactly hs_request. */
static int hs_recv_request (void *s, zmq_msg_t *id, zmq_msg_t *body)
{
    if (zmq_msg_recv (id, s, 0) < 0)
        return fail ("zmq_msg_recv");
    if (!zmq_msg_more (id)) {
        fprintf (stderr, "unexpected request received\n");
        return EXIT_FAIL;
    }
    if (zmq_msg_recv (body, s, 0) < 0)
        return fail ("zmq_msg_recv");
    if (zmq_msg_more (body) || zmq_msg_size (body) != sizeof hs_request
        || memcmp (zmq_msg_data (body), hs_request, sizeof hs_request) != 0) {
        fprintf (stderr, "unexpected request received\n");
        return EXIT_FAIL;
    }
    return 0;
}

static int curve_hs_server (const char *endpoint, long long count)
{
    static struct hs_keyset keys;
    int rc = hs_keyset_build (&keys);
    if (rc)
        return rc;
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");

    /* The handler is bound before any connection can ask for it. */
    struct hs_zap zap = {.keys = &keys};
    zap.rep = zmq_socket (ctx, ZMQ_REP);
    if (!zap.rep)
        return fail ("zmq_socket");
    int slice = HS_RECEIVE_SLICE_MS, linger = 0;
    zmq_setsockopt (zap.rep, ZMQ_RCVTIMEO, &slice, sizeof slice);
    zmq_setsockopt (zap.rep, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind (zap.rep, "inproc://zeromq.zap.01") != 0)
        return fail ("zmq_bind inproc://zeromq.zap.01");

    void *s = zmq_socket (ctx, ZMQ_ROUTER);
    if (!s)
        return fail ("zmq_socket");
    linger = HS_SERVER_LINGER_MS;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    if (curve_server (s) != 0)
        return EXIT_FAIL;
    if (pthread_create (&zap.thread, NULL, hs_zap_main, &zap) != 0) {
        fprintf (stderr, "error in pthread_create\n");
        return EXIT_FAIL;
    }
    uint64_t bound_us = now_us (), bound_cpu_us = process_cpu_us ();
    if (zmq_bind (s, endpoint) != 0)
        return fail ("zmq_bind");

    zmq_msg_t id, body;
    zmq_msg_init (&id);
    zmq_msg_init (&body);
    for (long long i = 0; i < count; i++) {
        rc = hs_recv_request (s, &id, &body);
        if (rc)
            return rc;
        /* Sending hands each frame's content over and leaves the message empty for the next. */
        if (zmq_msg_send (&id, s, ZMQ_SNDMORE) < 0 || zmq_msg_send (&body, s, 0) < 0)
            return fail ("zmq_msg_send");
    }
    uint64_t end_us = now_us (), end_cpu_us = process_cpu_us ();
    zmq_msg_close (&id);
    zmq_msg_close (&body);

    __atomic_store_n (&zap.stop, 1, __ATOMIC_RELEASE);
    pthread_join (zap.thread, NULL);
    if (__atomic_load_n (&zap.failed, __ATOMIC_ACQUIRE))
        return EXIT_FAIL;
    /* A window never opened (no ZAP request seen) counts from the bind. */
    uint64_t start_us = zap.started ? zap.start_us : bound_us;
    uint64_t start_cpu_us = zap.started ? zap.start_cpu_us : bound_cpu_us;

    printf ("handshake count: %lld\n", count);
    printf ("key set: %d keys\n", HS_KEYS);
    printf ("authentications: %lld accepted, %lld refused\n", zap.accepted, zap.refused);
    printf ("mean handshakes: %lu [hs/s]\n", throughput_of (count, end_us - start_us));
    printf ("cpu per handshake: %.1f [us]\n", (double) (end_cpu_us - start_cpu_us) / (double) count);
    fflush (stdout);

    /* Lingers (HS_SERVER_LINGER_MS) until the last replies are written. */
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}

/* What the client's threads share. */
struct hs_client
{
    void *ctx;
    const char *endpoint;
    long long count;
    long long next;   /* connections claimed so far, atomically */
    pthread_mutex_t lock;
    int failed;       /* read atomically */
    char why[256];
};

static void hs_client_failed (struct hs_client *c, const char *what)
{
    char why[256];
    if (strcmp (what, "unexpected reply received") == 0)
        snprintf (why, sizeof why, "%s", what);
    else
        snprintf (why, sizeof why, "error in %s: %s", what, zmq_strerror (zmq_errno ()));
    pthread_mutex_lock (&c->lock);
    if (!c->failed) {
        snprintf (c->why, sizeof c->why, "%s", why);
        __atomic_store_n (&c->failed, 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock (&c->lock);
}

/* One connection: a fresh DEALER, connect, one request, its answer, close. 0 on success. */
static int hs_connection (struct hs_client *c)
{
    void *s = zmq_socket (c->ctx, ZMQ_DEALER);
    if (!s) {
        hs_client_failed (c, "zmq_socket");
        return -1;
    }
    const char *what = NULL;
    int linger = 0, slice = HS_RECEIVE_SLICE_MS;
    if (zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_setsockopt (s, ZMQ_RCVTIMEO, &slice, sizeof slice) != 0)
        what = "zmq_setsockopt";
    else if (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, CURVE_SERVER_PUBLIC, 40) != 0
             || zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, CURVE_CLIENT_PUBLIC, 40) != 0
             || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, CURVE_CLIENT_SECRET, 40) != 0)
        what = "zmq_setsockopt ZMQ_CURVE_*";
    else if (zmq_connect (s, c->endpoint) != 0)
        what = "zmq_connect";
    else if (zmq_send (s, hs_request, sizeof hs_request, 0) < 0)
        what = "zmq_send";
    zmq_msg_t reply;
    zmq_msg_init (&reply);
    while (!what) {
        int got = recv_frame (s, &reply);
        if (got < 0)
            what = "zmq_msg_recv";
        else if (got > 0) {
            if (zmq_msg_more (&reply) || zmq_msg_size (&reply) != sizeof hs_request
                || memcmp (zmq_msg_data (&reply), hs_request, sizeof hs_request) != 0)
                what = "unexpected reply received";
            break;
        } else if (__atomic_load_n (&c->failed, __ATOMIC_ACQUIRE)) {
            break; /* another connection failed: the run is over */
        }
    }
    zmq_msg_close (&reply);
    zmq_close (s);
    if (what) {
        hs_client_failed (c, what);
        return -1;
    }
    return 0;
}

static void *hs_client_main (void *arg)
{
    struct hs_client *c = arg;
    while (!__atomic_load_n (&c->failed, __ATOMIC_ACQUIRE)
           && __atomic_fetch_add (&c->next, 1, __ATOMIC_RELAXED) < c->count)
        if (hs_connection (c) != 0)
            break;
    return NULL;
}

static int curve_hs_client (const char *endpoint, long long count, int parallel)
{
    struct hs_client c = {.endpoint = endpoint, .count = count};
    pthread_mutex_init (&c.lock, NULL);
    c.ctx = zmq_ctx_new ();
    if (!c.ctx)
        return fail ("zmq_ctx_new");
    int threads = count < parallel ? (int) count : parallel;
    pthread_t *tid = calloc ((size_t) threads, sizeof *tid);
    if (!tid) {
        fprintf (stderr, "out of memory\n");
        return EXIT_FAIL;
    }
    uint64_t start = now_us ();
    int started = 0;
    for (; started < threads; started++)
        if (pthread_create (&tid[started], NULL, hs_client_main, &c) != 0) {
            pthread_mutex_lock (&c.lock);
            if (!c.failed) {
                snprintf (c.why, sizeof c.why, "error in pthread_create");
                __atomic_store_n (&c.failed, 1, __ATOMIC_RELEASE);
            }
            pthread_mutex_unlock (&c.lock);
            break;
        }
    for (int i = 0; i < started; i++)
        pthread_join (tid[i], NULL);
    uint64_t elapsed = now_us () - start;
    free (tid);
    zmq_ctx_term (c.ctx);
    if (c.failed) {
        fprintf (stderr, "%s\n", c.why);
        return EXIT_FAIL;
    }
    printf ("handshake count: %lld\n", count);
    printf ("parallel: %d\n", parallel);
    printf ("elapsed: %.3f [s]\n", (double) elapsed / 1e6);
    printf ("mean handshakes: %lu [hs/s]\n", throughput_of (count, elapsed));
    fflush (stdout);
    pthread_mutex_destroy (&c.lock);
    return 0;
}

static void usage_all (void)
{
    fprintf (stderr,
             "usage: zmq_perf local_thr <bind-to> <message-size> <message-count>\n"
             "       zmq_perf remote_thr <connect-to> <message-size> <message-count>\n"
             "       zmq_perf local_lat <bind-to> <message-size> <roundtrip-count>\n"
             "       zmq_perf remote_lat <connect-to> <message-size> <roundtrip-count>\n"
             "       zmq_perf pub_thr <bind-to> <message-size> <message-count> <subscribers>\n"
             "       zmq_perf sub_thr <connect-to> <message-size> <message-count> [<subscribers>]\n"
             "       zmq_perf inproc_thr <message-size> <message-count>\n"
             "       zmq_perf curve_hs_server <bind-to> <handshake-count>\n"
             "       zmq_perf curve_hs_client <connect-to> <handshake-count> [<parallel>]\n"
             "       zmq_perf curve_hs_keys\n"
             "       zmq_perf version\n"
             "ZMTP_PERF_CURVE=1 runs local_thr/remote_thr over CURVE (fixed benchmark keys).\n");
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
        const char *usage = "usage: local_thr <bind-to> <message-size> <message-count>";
        if (parse_args (argc, argv, usage, &a))
            return EXIT_USAGE;
        int curve = curve_requested ();
        if (curve < 0) {
            fprintf (stderr, "%s\n", usage);
            return EXIT_USAGE;
        }
        return local_thr (&a, curve);
    }
    if (strcmp (role, "remote_thr") == 0) {
        const char *usage = "usage: remote_thr <connect-to> <message-size> <message-count>";
        if (parse_args (argc, argv, usage, &a))
            return EXIT_USAGE;
        int curve = curve_requested ();
        if (curve < 0) {
            fprintf (stderr, "%s\n", usage);
            return EXIT_USAGE;
        }
        return remote_thr (&a, curve);
    }
    if (strcmp (role, "pub_thr") == 0) {
        const char *usage = "usage: pub_thr <bind-to> <message-size> <message-count> <subscribers>";
        int subscribers = argc == 6 ? parse_subscribers (argv[5]) : -1;
        if (subscribers < 0) {
            fprintf (stderr, "%s\n", usage);
            return EXIT_USAGE;
        }
        if (parse_args (5, argv, usage, &a))
            return EXIT_USAGE;
        return pub_thr (&a, subscribers);
    }
    if (strcmp (role, "sub_thr") == 0) {
        const char *usage = "usage: sub_thr <connect-to> <message-size> <message-count> [<subscribers> [<filters>]]";
        int subscribers = argc >= 6 ? parse_subscribers (argv[5]) : argc == 5 ? 1 : -1;
        long long filters = argc == 7 ? parse_count (argv[6]) : 1;
        if (subscribers < 0 || argc > 7 || filters < 1 || filters > MAX_FILTERS) {
            fprintf (stderr, "%s\n", usage);
            return EXIT_USAGE;
        }
        if (parse_args (5, argv, usage, &a))
            return EXIT_USAGE;
        return sub_thr (&a, subscribers, (int) filters);
    }
    if (strcmp (role, "inproc_thr") == 0) {
        const char *usage = "usage: inproc_thr <message-size> <message-count>";
        long long size = argc == 4 ? parse_count (argv[2]) : -1;
        long long count = argc == 4 ? parse_count (argv[3]) : -1;
        if (size < 0 || count < 1) {
            fprintf (stderr, "%s\n", usage);
            return EXIT_USAGE;
        }
        a.endpoint = "inproc://thr_test";
        a.size = (size_t) size;
        a.count = count;
        return inproc_thr (&a);
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
    if (strcmp (role, "curve_hs_keys") == 0 && argc == 2)
        return curve_hs_keys ();
    if (strcmp (role, "curve_hs_server") == 0) {
        const char *usage = "usage: curve_hs_server <bind-to> <handshake-count>";
        long long count = argc == 4 ? parse_count (argv[3]) : -1;
        if (count < 1) {
            fprintf (stderr, "%s\n", usage);
            return EXIT_USAGE;
        }
        return curve_hs_server (argv[2], count);
    }
    if (strcmp (role, "curve_hs_client") == 0) {
        const char *usage = "usage: curve_hs_client <connect-to> <handshake-count> [<parallel>]";
        long long count = argc == 4 || argc == 5 ? parse_count (argv[3]) : -1;
        long long parallel = argc == 5 ? parse_count (argv[4]) : HS_DEFAULT_PARALLEL;
        if (count < 1 || parallel < 1 || parallel > HS_MAX_PARALLEL) {
            fprintf (stderr, "%s\n", usage);
            return EXIT_USAGE;
        }
        return curve_hs_client (argv[2], count, (int) parallel);
    }
    fprintf (stderr, "zmq_perf: unknown role '%s'\n", role);
    usage_all ();
    return EXIT_USAGE;
}
