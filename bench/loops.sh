#!/usr/bin/env bash
# Event loops compared: our sockets on Netty's NIO, epoll and io_uring loops (and libzmq alongside)
# under four patterns, three message sizes and 1 to 1,000 connections, two processes per cell over
# TCP loopback on this machine.
#
#   bench/loops.sh                      # the whole run (about 70 minutes on 2 cores)
#   RUNS=1 SIZES=16 CONNECTIONS="1 100" MEASURE=1 bench/loops.sh    # a quick look
#
# It builds what it needs (mvn -B -q -o -pl bench package -DskipTests, without -o if that fails;
# gcc for the C peer bench/native/zmq_loops.c, when libzmq's headers are there), then runs, for
# each pattern, size and connection count, both sides of the cell (bench/bin/loops-tool, or
# bench/target/zmq_loops for libzmq), the binding side first:
#   push-pull      N PUSH sockets (one sending thread) -> one PULL: fan-in
#   pub-sub        one PUB (XPUB_NODROP) -> N SUBs counting on their event loops: fan-out
#   req-rep        one REQ doing round trips against one REP (one connection only)
#   router-dealer  N DEALERs, one request in flight each, against one echoing ROUTER
# Each process starts its clock when all its connections are through their handshake, warms up
# WARMUP seconds, measures MEASURE seconds (rate, latency percentiles from HdrHistogram, its CPU
# time per message), and prints one line; the sending side goes on 1.5 s longer. Implementations
# of a cell take turns run by run, so a drift of the machine's speed touches them alike.
# Besides the main run (Java on PATH, one event-loop thread per process), it runs the cells of
# THREAD_CELLS with ZMTP_LOOP_THREADS=2, and those of JAVA_CELLS on a second Java (JAVA_ALT,
# default Temurin 25 where it is installed).
#
# It writes the log of every run (bench/target/loops/runs.log) and hands it to
# io.zmtp.bench.loops.LoopsReport, which writes RESULTS/loops-runs.csv (every run), the charts
# RESULTS/loops-*.png and the section between <!-- loops:begin --> and <!-- loops:end --> of
# BENCHMARKS.md (appended when the markers are not there), and prints that section.
#
# Environment (all optional):
#   RUNS=3                 runs per cell (the median is reported)
#   PATTERNS="push-pull pub-sub req-rep router-dealer"
#   BACKENDS="nio epoll io_uring"
#   SIZES="16 1024 65536"
#   CONNECTIONS="1 10 100 1000"   (req-rep always runs over one connection)
#   WARMUP=1 MEASURE=3     seconds of each process's warm-up and measured window (>= 3 s
#                          measured: the project's rule for a benchmark cell)
#   LIBZMQ=1               0: no libzmq cells
#   THREAD_CELLS="push-pull:16:1000 pub-sub:16:1000 router-dealer:16:1000"
#                          pattern:size:connections cells run again with two loop threads ("" for none)
#   JAVA_ALT=/usr/lib/jvm/temurin-25-jdk-amd64   the second Java ("" for none)
#   JAVA_CELLS="push-pull:16:1 req-rep:16:1 router-dealer:16:100"
#   RUN_TIMEOUT=120        seconds before one tool process is killed
#   RESULTS=docs/benchmarks   where the CSV and the charts go (relative to the repository)
#   OUT=<file>             the Markdown file (default: <repo>/BENCHMARKS.md; "-" for none)
#   SKIP_BUILD=1           use the existing build
set -euo pipefail

bench_dir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
# shellcheck source=bench/lib.sh
source "$bench_dir/lib.sh"

RUNS=${RUNS:-3}
PATTERNS=${PATTERNS:-push-pull pub-sub req-rep router-dealer}
BACKENDS=${BACKENDS:-nio epoll io_uring}
SIZES=${SIZES:-16 1024 65536}
CONNECTIONS=${CONNECTIONS:-1 10 100 1000}
WARMUP=${WARMUP:-1}
MEASURE=${MEASURE:-3}
LIBZMQ=${LIBZMQ:-1}
THREAD_CELLS=${THREAD_CELLS-push-pull:16:1000 pub-sub:16:1000 router-dealer:16:1000}
JAVA_ALT=${JAVA_ALT-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA_CELLS=${JAVA_CELLS-push-pull:16:1 req-rep:16:1 router-dealer:16:100}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
RESULTS=${RESULTS:-docs/benchmarks}
OUT=${OUT:-$repo_dir/BENCHMARKS.md}
[[ $RESULTS = /* ]] || RESULTS="$repo_dir/$RESULTS"

work="$bench_dir/target/loops"
log="$work/runs.log"
zmq_loops="$bench_dir/target/zmq_loops"
started_at=$(date +%s)

say() { printf '[loops] %s\n' "$*" >&2; }
trap 'stop_live_pids' EXIT
trap 'stop_live_pids; exit 130' INT TERM

if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
    echo "RUNS must be a whole number >= 1, got '$RUNS'" >&2
    exit 1
fi
if awk -v m="$MEASURE" 'BEGIN { exit !(m < 3) }'; then
    say "MEASURE=$MEASURE is under 3 s: fine for a look, not for figures to keep"
fi

# ------------------------------------------------------------------ build

if [[ -z ${SKIP_BUILD:-} ]]; then
    say "building the bench module"
    (cd "$repo_dir" && { mvn -B -q -o -pl bench package -DskipTests || mvn -B -q -pl bench package -DskipTests; }) >&2
fi
if [[ $LIBZMQ == 1 ]]; then
    if [[ -z ${SKIP_BUILD:-} || ! -x $zmq_loops ]]; then
        if [[ -f /usr/include/zmq.h ]] && command -v gcc >/dev/null; then
            gcc -O2 -o "$zmq_loops" "$bench_dir/native/zmq_loops.c" -lzmq
        else
            say "no libzmq headers or gcc (apt-get install libzmq3-dev gcc): the libzmq cells are left out"
            LIBZMQ=0
        fi
    fi
fi

# ------------------------------------------------------------------ one run

mkdir -p "$work" "$RESULTS"
: >"$log"
meta() { printf 'meta %s %s\n' "$1" "$2" >>"$log"; }

# Runs both sides of one cell once and appends the cell line and their result lines (or why it
# failed) to the log. Arguments: impl java-label java-home threads pattern size connections run.
run_cell() {
    local impl=$1 java_label=$2 java_home=$3 threads=$4 pattern=$5 size=$6 conns=$7 run=$8
    local binder connecter
    case $pattern in
        push-pull) binder=pull connecter=push ;;
        pub-sub) binder=pub connecter=sub ;;
        req-rep) binder=rep connecter=req ;;
        router-dealer) binder=router connecter=dealer ;;
    esac
    printf 'cell impl=%s java=%s threads=%s pattern=%s size=%s connections=%s run=%s\n' \
        "$impl" "$java_label" "$threads" "$pattern" "$size" "$conns" "$run" >>"$log"
    local cmd=()
    if [[ $impl == libzmq ]]; then
        cmd=("$zmq_loops")
    else
        cmd=("$bin/loops-tool")
    fi
    free_port || { echo "failed no free port" >>"$log"; return; }
    local ep="tcp://127.0.0.1:$port" bout="$work/binder.out" cout="$work/connecter.out"
    local env_args=(ZMTP_IO="${impl#ours-}" ZMTP_LOOP_THREADS="$threads")
    [[ -n $java_home ]] && env_args+=(JAVA_HOME="$java_home")
    env "${env_args[@]}" timeout "$RUN_TIMEOUT" "${cmd[@]}" "$binder" "$ep" "$size" "$conns" "$WARMUP" "$MEASURE" \
        >"$bout" 2>"$work/binder.err" &
    local bpid=$!
    live_pids+=("$bpid")
    if ! wait_listening "$port" "$bpid"; then
        wait "$bpid" 2>/dev/null || true
        forget_pid "$bpid"
        echo "failed $binder did not listen: $(tail -n 3 "$work/binder.err" | tr '\n' ' ')" >>"$log"
        return
    fi
    local crc=0 brc=0
    env "${env_args[@]}" timeout "$RUN_TIMEOUT" "${cmd[@]}" "$connecter" "$ep" "$size" "$conns" "$WARMUP" "$MEASURE" \
        >"$cout" 2>"$work/connecter.err" || crc=$?
    wait "$bpid" || brc=$?
    forget_pid "$bpid"
    local bline cline
    bline=$(grep '^loops-result ' "$bout" || true)
    cline=$(grep '^loops-result ' "$cout" || true)
    if [[ $brc == 0 && $crc == 0 && -n $bline && -n $cline ]]; then
        printf '%s\n%s\n' "$bline" "$cline" >>"$log"
    else
        local why
        why=$(cat "$work/binder.err" "$work/connecter.err" | grep -v '^WARNING\|^$' | grep -m1 -i 'error\|exception\|cannot\|not up' || true)
        echo "failed $binder exit $brc, $connecter exit $crc${why:+: $why}" >>"$log"
        say "  failed: $impl $pattern $size B x$conns (exit $brc/$crc) ${why}"
    fi
}

conns_of() {
    if [[ $1 == req-rep ]]; then echo 1; else echo "$CONNECTIONS"; fi
}

impls=()
for b in $BACKENDS; do impls+=("ours-$b"); done
[[ $LIBZMQ == 1 ]] && impls+=(libzmq)

java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
java_main=$("$java_bin" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2 }')
java_desc=$("$java_bin" -version 2>&1 | head -n 1)
meta command "bench/loops.sh (RUNS=$RUNS, WARMUP=$WARMUP, MEASURE=$MEASURE, SIZES=\"$SIZES\", CONNECTIONS=\"$CONNECTIONS\")"
meta started "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
meta machine "$(nproc) CPUs (nproc), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -sr), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory"
meta java_main "$java_main"
alt_label=""
if [[ -n $JAVA_ALT && -x $JAVA_ALT/bin/java ]]; then
    alt_label=$("$JAVA_ALT/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2 }')
    meta java "main: $java_desc; second: $("$JAVA_ALT/bin/java" -version 2>&1 | head -n 1)"
else
    [[ -n $JAVA_ALT ]] && say "no Java at JAVA_ALT=$JAVA_ALT: the second-Java cells are left out"
    meta java "$java_desc (no second Java here)"
    JAVA_CELLS=""
fi
if [[ $LIBZMQ == 1 ]]; then
    meta libzmq "$(/usr/bin/python3 -c 'import zmq; print("libzmq", zmq.zmq_version())' 2>/dev/null || echo "libzmq (version unknown)") via bench/native/zmq_loops.c"
else
    meta libzmq "not run"
fi
meta runs "$RUNS"
meta warmup "$WARMUP"
meta measure "$MEASURE"
meta load_before "$(cut -d' ' -f1-3 /proc/loadavg)"

total=0
for pattern in $PATTERNS; do
    for size in $SIZES; do
        for conns in $(conns_of "$pattern"); do
            total=$((total + ${#impls[@]}))
        done
    done
done
total=$((total * RUNS))
say "main run: $total runs; then the loop-thread and second-Java cells"

done_runs=0
for ((run = 1; run <= RUNS; run++)); do
    for pattern in $PATTERNS; do
        for size in $SIZES; do
            for conns in $(conns_of "$pattern"); do
                for impl in "${impls[@]}"; do
                    done_runs=$((done_runs + 1))
                    say "[$done_runs/$total] run $run: $impl $pattern $size B x$conns"
                    run_cell "$impl" "$java_main" "" 1 "$pattern" "$size" "$conns" "$run"
                done
            done
        done
    done
done

# Cells named pattern:size:connections, again with two loop threads, then on the second Java.
for ((run = 1; run <= RUNS; run++)); do
    for spec in $THREAD_CELLS; do
        IFS=: read -r pattern size conns <<<"$spec"
        for b in $BACKENDS; do
            say "run $run, two loop threads: ours-$b $pattern $size B x$conns"
            run_cell "ours-$b" "$java_main" "" 2 "$pattern" "$size" "$conns" "$run"
        done
    done
    for spec in $JAVA_CELLS; do
        IFS=: read -r pattern size conns <<<"$spec"
        for b in $BACKENDS; do
            say "run $run, Java $alt_label: ours-$b $pattern $size B x$conns"
            run_cell "ours-$b" "$alt_label" "$JAVA_ALT" 1 "$pattern" "$size" "$conns" "$run"
        done
    done
done

meta load_after "$(cut -d' ' -f1-3 /proc/loadavg)"
elapsed=$(($(date +%s) - started_at))
meta elapsed "$((elapsed / 60)) min $((elapsed % 60)) s"
say "measured in ${elapsed}s; writing the report"

report_out=$OUT
[[ $OUT == - ]] && report_out=-
"$bin/perf-tool" io.zmtp.bench.loops.LoopsReport "$log" "$RESULTS" "$report_out"
