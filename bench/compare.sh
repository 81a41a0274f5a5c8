#!/usr/bin/env bash
# Side-by-side comparison: our ZMTP sockets (NIO and epoll event loops), JeroMQ 0.6.0 and libzmq,
# with libzmq's perf tools and their twins, over TCP loopback on this machine.
#
#   bench/compare.sh            # from the repository root (works from any cwd)
#   RUNS=5 bench/compare.sh     # more runs per cell
#
# It builds what it needs (mvn -B -q -o -pl bench package -DskipTests; gcc for the C peer
# bench/native/zmq_perf.c), then measures, for message sizes 16, 256, 1024 and 65536 B:
#   - PUSH/PULL throughput (local_thr/remote_thr): ours (nio, epoll), JeroMQ, libzmq
#   - REQ/REP latency (local_lat/remote_lat):      ours (nio, epoll), JeroMQ, libzmq
#   - cross pairs, throughput: ours->libzmq (our remote_thr to libzmq's local_thr) and
#     libzmq->ours, ours on NIO
#   - inproc_thr at 16 B, ours and libzmq's
#   - over ws://127.0.0.1:<port>/bench (ZWS 2.0), ours (nio) and libzmq (JeroMQ has no ws):
#     PUSH/PULL throughput at WS_SIZES and REQ/REP latency at WS_LAT_SIZES, with ours over tcp
#     taking its turns among them at the same sizes (the figures the ws/tcp targets are read against)
# and, at 16 and 1024 B only (PUBSUB_SIZES, CURVE_SIZES), for ours (nio), JeroMQ and libzmq:
#   - PUB -> N SUB throughput (pub_thr/sub_thr), with 1 and with 10 subscribers; the N SUB
#     sockets live in one sub_thr process, one thread each; the figure is the mean of theirs
#   - PUSH/PULL throughput over CURVE (local_thr/remote_thr with ZMTP_PERF_CURVE=1)
# and CURVE handshakes per second (curve_hs_server/curve_hs_client) for ours (nio), JeroMQ and
# libzmq, plus libzmq's client against our server: HS_COUNT connections per run, each a fresh
# DEALER doing one request/reply round trip, HS_PARALLEL at a time, against a ROUTER whose ZAP
# handler admits a key set of 1,000; with the server's process CPU time per handshake.
# Each cell is the median of RUNS runs. It prints one Markdown table and writes BENCHMARKS.md at
# the repository root (keeping the JMH section bench/jmh.sh and the profile section
# bench/profile.sh put there, if any). Every other figure in that file comes from this run. Then
# io.zmtp.bench.charts.CompareCharts draws the charts of that table (JFreeChart, headless) into
# CHARTS and puts their section, between <!-- charts:begin --> and <!-- charts:end -->, after the
# targets: each run redraws its own.
#
# Environment (all optional):
#   RUNS=3                 runs per cell (the median is reported)
#   SIZES="16 256 1024 65536"
#   THR_COUNT_<size>       messages per throughput run for that size (defaults: 16: 60000000,
#                          256: 20000000, 1024: 9000000, 65536: 300000; others 200000): a JVM
#                          needs a second or two of a run to compile its hot paths, and shorter
#                          runs measured mostly that for both Java implementations. At the
#                          counts before 2026-12-07 (16 B: 25M, 256 B: 9M, 1 KiB: 4.5M) our runs
#                          lasted 3-4 s, of which the compilers took 2.4 and 2.7 s of CPU on the
#                          two sides of a 16 B pair (-XX:+CITime), and a profile of such a pair
#                          had the compiler threads on about a third of all samples; by hand,
#                          alternating, ours on NIO ran 6.28 and 6.90 M msg/s at 25M and 7.90 and
#                          8.94 M at 60M, JeroMQ 4.62 and 4.77 M against 5.26 and 5.28 M. Our runs
#                          now last 7-9 s; at 64 KiB a run of 100000 took 4-5 s, and a profile of
#                          one of 200000 (7 s) had the JIT compilers on 2.5 s of CPU on each side
#   PUBSUB_SIZES="16 1024" message sizes of the PUB/SUB cells
#   PUBSUB_SUBSCRIBERS="1 10"  subscriber counts of the PUB/SUB cells
#   PUBSUB_FILTERS=1000    subscriptions of the one SUB in the filtered PUB/SUB cell (16 B; one
#                          of them matches; empty for no such cell)
#   PUBSUB_COUNT_<size>    messages per PUB/SUB run, each subscriber gets them all (defaults,
#                          1 SUB / more: 16: 30000000 / 3000000, 1024: 4000000 / 450000;
#                          others 300000; at 2M, 1 KiB to 1 SUB, libzmq's runs took 2.9 s and
#                          ours 3.5 s in the run of 2026-12-07 09:21)
#   CURVE_SIZES="16 1024"  message sizes of the CURVE cells
#   CURVE_COUNT_<size>     messages per CURVE throughput run (defaults: 16: 15000000,
#                          1024: 2000000; others 300000): ours runs 5 s or more at these, of
#                          which about 1.5 s is JIT warm-up (see curve_count below); 300k
#                          messages at 16 B had been mostly warm-up for both Java implementations
#   HS_COUNT=10000         handshakes (connections) per CURVE handshake run of ours and libzmq,
#                          and of the cross pair: 12 to 15 s a run on a 2-core machine (libzmq
#                          about 700 handshakes/s). At 3,000 ours spent most of its run
#                          compiling (the 2026-12-04 11:46 run: ours/libzmq 0.71; by hand,
#                          10,000: 838 vs 720 handshakes/s)
#   HS_COUNT_JEROMQ=300    the same for JeroMQ, whose CURVE handshake is about 10x slower
#                          (~50 handshakes/s: 6 s a run)
#   HS_PARALLEL=16         connections in flight at once (1 to 512)
#   HS_ZAP=direct          how our server decides: direct (the socket's authenticator, what the
#                          config center does) or inproc (a ZAP handler on inproc://zeromq.zap.01,
#                          as libzmq and JeroMQ must); passed to ours as ZMTP_HS_ZAP
#   LAT_COUNT_<size>       round trips per latency run for that size (defaults: 65536: 100000,
#                          others 200000; LAT_COUNT sets the default of every size): a JVM
#                          compiles its REQ/REP path for 4-5 s into a run (the compile log of
#                          local_lat/remote_lat, 2026-12-06), and a run of 50,000 lasted about
#                          8 s, so half of it was warm-up on one of the two cores; by hand,
#                          ours on epoll against libzmq at 16 B: 1.02-1.18x at 50,000, 1.00-1.04x
#                          at 200,000 (libzmq 63.8-67.4 us either way)
#   INPROC_COUNT=100000000 messages per inproc_thr run (about 10 s at 10M msg/s; at 30M, 3 s, the
#                          compiler threads had a sixth of a profile's samples, and runs by hand
#                          alternating the two counts gave 8.2-9.4 M at 30M, 8.9-10.9 M at 100M)
#   WS_SIZES="16 1024 65536"  message sizes of the ws throughput cells (counts as THR_COUNT_<size>)
#   WS_LAT_SIZES="16 1024" message sizes of the ws latency cells (round trips as LAT_COUNT_<size>)
#   RUN_TIMEOUT=150        seconds before one tool process is killed (a failed run is retried once)
#   SKIP_BUILD=1           use the existing build
#   OUT=<file>             where to write the report (default: <repo>/BENCHMARKS.md; "-" for none)
#   CHARTS=<dir>           where the charts go (default: docs/benchmarks beside OUT, so
#                          <repo>/docs/benchmarks/compare-*.png for the default OUT)
#   KEEP_LOGS=1            keep the per-run logs (their folder is printed)
set -uo pipefail

bench_dir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
# repo_dir, bin, zmq_perf; live_pids, forget_pid, stop_live_pids, free_port, wait_listening
# shellcheck source=lib.sh
source "$bench_dir/lib.sh"
command_line="$(for v in RUNS SIZES LAT_COUNT INPROC_COUNT THR_COUNT_16 THR_COUNT_256 THR_COUNT_1024 THR_COUNT_65536 \
    PUBSUB_SIZES PUBSUB_SUBSCRIBERS CURVE_SIZES WS_SIZES WS_LAT_SIZES HS_COUNT HS_COUNT_JEROMQ HS_PARALLEL HS_ZAP \
    $(compgen -v | grep -E '^(THR|PUBSUB|CURVE|LAT)_COUNT_[0-9]+$' | grep -vxE 'THR_COUNT_(16|256|1024|65536)'); do
    [[ -n ${!v:-} ]] && printf "%s='%s' " "$v" "${!v}"; done)bench/compare.sh${*:+ $*}"

RUNS=${RUNS:-3}
SIZES=${SIZES:-16 256 1024 65536}
# lat_count <size>: round trips per latency run (see LAT_COUNT_<size> above).
lat_count() {
    local v="LAT_COUNT_$1" d=${LAT_COUNT:-200000}
    [[ $1 == 65536 && -z ${LAT_COUNT:-} ]] && d=100000
    echo "${!v:-$d}"
}
INPROC_COUNT=${INPROC_COUNT:-100000000}
RUN_TIMEOUT=${RUN_TIMEOUT:-150}
OUT=${OUT:-$repo_dir/BENCHMARKS.md}
# Message counts per throughput run: sized so that a run of the slower Java peers takes a few
# seconds on a small machine and libzmq's does not finish in a blink.
default_thr_count() {
    case $1 in
        16) echo 60000000 ;;
        256) echo 20000000 ;;
        1024) echo 9000000 ;;
        65536) echo 300000 ;;
        *) echo 200000 ;;
    esac
}
thr_count() {
    local v="THR_COUNT_$1"
    echo "${!v:-$(default_thr_count "$1")}"
}
# The PUB/SUB and CURVE cells: fewer messages, as ten Java subscribers share two cores, and
# CURVE costs every message a box and an unbox.
PUBSUB_SIZES=${PUBSUB_SIZES:-16 1024}
PUBSUB_SUBSCRIBERS=${PUBSUB_SUBSCRIBERS:-1 10}
# The filtered cell: one SUB holding PUBSUB_FILTERS subscriptions of which one matches, at 16 B
# (empty: no such cell).
PUBSUB_FILTERS=${PUBSUB_FILTERS-1000}
CURVE_SIZES=${CURVE_SIZES:-16 1024}
WS_SIZES=${WS_SIZES-16 1024 65536}
WS_LAT_SIZES=${WS_LAT_SIZES-16 1024}
# pubsub_count <size> <subscribers>: sized so that the fastest implementation still runs about 5 s
# or more (a 200,000-message run was mostly JIT warm-up for both Java implementations; at 15M, ours
# to one SUB at 16 B ran 2.9 s in the run of 2026-12-06 03:19).
pubsub_count() {
    local v="PUBSUB_COUNT_$1" d
    case "$1:$(( $2 > 1 ? 10 : 1 ))" in
        16:1) d=30000000 ;;
        16:10) d=3000000 ;;
        1024:1) d=4000000 ;;
        1024:10) d=450000 ;;
        *) d=300000 ;;
    esac
    echo "${!v:-$d}"
}
# curve_count <size>: ours compiles its CURVE path for about 1.5 s into a run (the JIT's compile log
# of local_thr: the box's and Poly1305's methods reach C2 1.5 s after the first one is compiled), so
# at 6M (16 B) and 900k (1 KiB) a third of our run was warm-up: by hand on 2026-12-06, alternating,
# 16 B 1.69M and 1.61M msg/s at 6M against 1.97M and 2.11M at 15M; 1 KiB 146k and 126k at 900k
# against 173k and 154k at 2.5M. 2M at 1 KiB keeps JeroMQ's run (about 32k msg/s) near a minute.
curve_count() {
    local v="CURVE_COUNT_$1" d=300000
    [[ $1 == 16 ]] && d=15000000
    [[ $1 == 1024 ]] && d=2000000
    echo "${!v:-$d}"
}
# The CURVE handshake cells: sized so that a run of libzmq or ours lasts a few seconds (each
# handshake costs both sides a few X25519 operations; JeroMQ's are far slower, hence its own count).
HS_COUNT=${HS_COUNT:-10000}
HS_COUNT_JEROMQ=${HS_COUNT_JEROMQ:-300}
HS_PARALLEL=${HS_PARALLEL:-16}
HS_ZAP=${HS_ZAP:-direct}
hs_count() { # impl
    if [[ $1 == jeromq ]]; then echo "$HS_COUNT_JEROMQ"; else echo "$HS_COUNT"; fi
}
# Only the CURVE cells run over CURVE: a ZMTP_PERF_CURVE left in the caller's environment must
# not turn every other cell into a CURVE one.
unset ZMTP_PERF_CURVE ZMTP_HS_ZAP

if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
    echo "compare.sh: RUNS must be a positive whole number, got '$RUNS'" >&2
    exit 1
fi
for v in HS_COUNT HS_COUNT_JEROMQ; do
    if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
        echo "compare.sh: $v must be a positive whole number, got '${!v}'" >&2
        exit 1
    fi
done
if ! [[ $HS_PARALLEL =~ ^[1-9][0-9]*$ ]] || ((HS_PARALLEL > 512)); then
    echo "compare.sh: HS_PARALLEL must be a whole number from 1 to 512, got '$HS_PARALLEL'" >&2
    exit 1
fi
if [[ $HS_ZAP != direct && $HS_ZAP != inproc ]]; then
    echo "compare.sh: HS_ZAP must be direct or inproc, got '$HS_ZAP'" >&2
    exit 1
fi
for n in $PUBSUB_SUBSCRIBERS; do
    if ! [[ $n =~ ^[1-9][0-9]*$ ]] || ((n > 1000)); then
        echo "compare.sh: PUBSUB_SUBSCRIBERS must hold whole numbers from 1 to 1000, got '$n'" >&2
        exit 1
    fi
done

log_dir=$(mktemp -d "${TMPDIR:-/tmp}/zmtp-compare.XXXXXX")
started_at=$(date +%s)

# ------------------------------------------------------------------ clean-up

# An interrupted or failed run leaves no tool process behind (live_pids: lib.sh).
cleanup() {
    stop_live_pids
    if [[ -z ${KEEP_LOGS:-} ]]; then
        rm -rf "$log_dir"
    else
        echo "compare.sh: logs kept in $log_dir" >&2
    fi
}
trap cleanup EXIT
trap 'echo "compare.sh: interrupted" >&2; exit 130' INT TERM

say() {
    printf '%s\n' "$*" >&2
}

# ------------------------------------------------------------------ build

if [[ -z ${SKIP_BUILD:-} ]]; then
    say "building bench (mvn -B -q -o -pl bench package -DskipTests) ..."
    if ! (cd "$repo_dir" && mvn -B -q -o -pl bench package -DskipTests) >"$log_dir/mvn.log" 2>&1; then
        cat "$log_dir/mvn.log" >&2
        say "compare.sh: the Maven build failed"
        exit 1
    fi
    say "building the C peer (gcc -O2 -pthread -o bench/target/zmq_perf bench/native/zmq_perf.c -lzmq) ..."
    mkdir -p "$bench_dir/target"
    if ! gcc -O2 -pthread -o "$zmq_perf" "$bench_dir/native/zmq_perf.c" -lzmq 2>"$log_dir/gcc.log"; then
        cat "$log_dir/gcc.log" >&2
        say "compare.sh: could not build the C peer (is libzmq3-dev installed?)"
        exit 1
    fi
    if ! gcc -O2 -pthread -o "$bench_dir/target/wake_pingpong" "$bench_dir/native/wake_pingpong.c" 2>"$log_dir/gcc-wake.log"; then
        cat "$log_dir/gcc-wake.log" >&2
        say "compare.sh: could not build bench/native/wake_pingpong.c"
        exit 1
    fi
fi
for f in "$zmq_perf" "$bench_dir/target/classpath.txt"; do
    if [[ ! -e $f ]]; then
        say "compare.sh: $f is missing; run without SKIP_BUILD"
        exit 1
    fi
done

# ------------------------------------------------------------------ ports

# ------------------------------------------------------------------ the tools

# tool_cmd <impl> <role>: the command line of one implementation's tool, into array `cmd`.
# impl: ours-nio | ours-epoll | jeromq | libzmq.
# role: local_thr remote_thr local_lat remote_lat pub_thr sub_thr curve_hs_server curve_hs_client
tool_cmd() {
    local impl=$1 role=$2 cls
    case $role in
        local_thr) cls=LocalThr ;;
        remote_thr) cls=RemoteThr ;;
        local_lat) cls=LocalLat ;;
        remote_lat) cls=RemoteLat ;;
        inproc_thr) cls=InprocThr ;;
        pub_thr) cls=PubThr ;;
        sub_thr) cls=SubThr ;;
        curve_hs_server) cls=CurveHsServer ;;
        curve_hs_client) cls=CurveHsClient ;;
    esac
    case $impl in
        ours-nio) cmd=(env ZMTP_IO=nio "$bin/$role") ;;
        ours-epoll) cmd=(env ZMTP_IO=epoll "$bin/$role") ;;
        jeromq) cmd=(env PERF_TOOL_NAME="jeromq $role" "$bin/perf-tool" "io.zmtp.bench.jeromq.$cls") ;;
        libzmq) cmd=("$zmq_perf" "$role") ;;
        *) say "unknown implementation $impl"; return 1 ;;
    esac
}

# "<size> B" for a cell with a message size; "" for one without (the hs cells' size is "-").
size_text() {
    [[ $1 == - ]] || echo " $1 B"
}

# Failures, one line each, for the report.
declare -a failures=()
# Notes about runs (e.g. a transport that fell back), deduplicated.
declare -A notes=()

note_run_problems() {
    local file
    for file in "$@"; do
        if grep -q "epoll is not available" "$file" 2>/dev/null; then
            notes["epoll unavailable: the ours-epoll runs used NIO ($(grep -m1 -o 'epoll is not available.*' "$file"))"]=1
        fi
    done
}

# One pair run. pair_run <kind> <binding impl> <connecting impl> <size> <count>
# kind: thr (local_thr/remote_thr), curve (the same over CURVE), lat (local_lat/remote_lat),
# pubsub<N> (pub_thr/sub_thr with N subscribers in the one sub_thr process), or hs (CURVE
# handshakes: curve_hs_server <count>, curve_hs_client <count> HS_PARALLEL; size is "-").
# Sets run_value to the figure (msg/s, us, or handshakes/s) and, for hs, run_cpu to the server's
# CPU per handshake (us); returns 0; on failure records it in `failures` and returns 1. Not run in
# a subshell, so the pids, failures and notes it records persist.
run_value=""
run_cpu=""
pair_run() {
    run_value="" run_cpu=""
    local kind=$1 bimpl=$2 cimpl=$3 size=$4 count=$5
    local port tag bind_role conn_role pattern result_file bpid brc crc value cpu
    local -a extra=() conn_extra=() env_prefix=() bind_args=() conn_args=()
    free_port || { failures+=("$kind $bimpl<-$cimpl$(size_text "$size"): no free port"); return 1; }
    tag="$log_dir/$kind-$bimpl-$cimpl-$size-$port"
    # The ws cells (wsthr, wslat) run the same tools over ZWS 2.0 on a path of the port.
    local ep="tcp://127.0.0.1:$port"
    [[ $kind == ws* ]] && ep="ws://127.0.0.1:$port/bench"
    case $kind in
        thr | curve | wsthr | tcpwsthr)
            bind_role=local_thr conn_role=remote_thr
            pattern='^mean throughput: ([0-9]+) \[msg/s\]'
            result_file="$tag.bind.out"
            [[ $kind == curve ]] && env_prefix=(env ZMTP_PERF_CURVE=1)
            ;;
        hs)
            bind_role=curve_hs_server conn_role=curve_hs_client
            # The client's figure: connections over the whole run, from its first socket to its last close.
            pattern='^mean handshakes: ([0-9]+) \[hs/s\]'
            result_file="$tag.conn.out"
            env_prefix=(env "ZMTP_HS_ZAP=$HS_ZAP")
            bind_args=("tcp://127.0.0.1:$port" "$count")
            conn_args=("tcp://127.0.0.1:$port" "$count" "$HS_PARALLEL")
            ;;
        pubsub*)
            bind_role=pub_thr conn_role=sub_thr
            # pubsub<N>, or pubsub<N>f<F>: N subscribers holding F subscriptions each (one matches);
            # pub_thr takes N, sub_thr N and F.
            local spec=${kind#pubsub}
            extra=("${spec%%f*}")
            [[ $spec == *f* ]] && conn_extra=("${spec%%f*}" "${spec#*f}")
            # With several subscribers this is the line of their mean.
            pattern='^mean throughput: ([0-9]+) \[msg/s\]'
            result_file="$tag.conn.out"
            ;;
        *)
            bind_role=local_lat conn_role=remote_lat
            pattern='^average latency: ([0-9.]+) \[us\]'
            result_file="$tag.conn.out"
            ;;
    esac

    ((${#bind_args[@]} > 0)) || bind_args=("$ep" "$size" "$count" "${extra[@]}")
    local -a cmd
    tool_cmd "$bimpl" "$bind_role" || return 1
    timeout -k 5 "$RUN_TIMEOUT" "${env_prefix[@]}" "${cmd[@]}" "${bind_args[@]}" \
        >"$tag.bind.out" 2>"$tag.bind.err" </dev/null &
    bpid=$!
    live_pids+=("$bpid")
    if ! wait_listening "$port" "$bpid"; then
        kill -TERM -- "-$bpid" 2>/dev/null
        wait "$bpid" 2>/dev/null
        forget_pid "$bpid"
        failures+=("$kind $cimpl->$bimpl$(size_text "$size"): $bind_role never listened on $port: $(tail -n 3 "$tag.bind.err" | tr '\n' ' ')")
        return 1
    fi
    tool_cmd "$cimpl" "$conn_role" || return 1
    ((${#conn_extra[@]} > 0)) || conn_extra=("${extra[@]}")
    ((${#conn_args[@]} > 0)) || conn_args=("$ep" "$size" "$count" "${conn_extra[@]}")
    timeout -k 5 "$RUN_TIMEOUT" "${env_prefix[@]}" "${cmd[@]}" "${conn_args[@]}" \
        >"$tag.conn.out" 2>"$tag.conn.err" </dev/null &
    local cpid=$!
    live_pids+=("$cpid")
    wait "$cpid"
    crc=$?
    forget_pid "$cpid"
    if ((crc != 0)); then
        # The binding side cannot finish without its peer: end it now rather than at its timeout.
        sleep 1
        kill -0 "$bpid" 2>/dev/null && kill -TERM -- "-$bpid" 2>/dev/null
    fi
    wait "$bpid"
    brc=$?
    forget_pid "$bpid"
    note_run_problems "$tag.bind.err" "$tag.conn.err"

    value=$(sed -nE "s#$pattern.*#\1#p" "$result_file" | head -n 1)
    cpu=""
    if [[ $kind == hs ]]; then
        cpu=$(sed -nE 's#^cpu per handshake: ([0-9.]+) \[us\].*#\1#p' "$tag.bind.out" | head -n 1)
        [[ -z $cpu ]] && value=""
    fi
    if ((brc != 0 || crc != 0)) || [[ -z $value ]]; then
        local why=""
        ((brc == 124 || crc == 124)) && why="timed out after ${RUN_TIMEOUT}s; "
        failures+=("$kind $cimpl->$bimpl$(size_text "$size"): ${why}exit $bind_role=$brc $conn_role=$crc; $(cat "$tag.bind.err" "$tag.conn.err" 2>/dev/null | grep -v '^\s*at ' | tail -n 3 | tr '\n' ' ' | cut -c1-400)")
        return 1
    fi
    run_value=$value
    run_cpu=$cpu
}

# Median of the numbers given (average of the two middle ones for an even count).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) exit 1
        if (NR % 2) printf "%s\n", v[(NR + 1) / 2]
        else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A result=()   # key "kind:binding:connecting:size" -> median
declare -A samples=()  # same key -> the runs' figures

# cells <kind> <size> <count> <binding impl>:<connecting impl>...: RUNS runs of each pair, the
# median of each into `result`. The pairs take turns, round by round (run 1 of every pair, then
# run 2 of every pair, ...), so a machine that slows for a minute or two slows every pair of the
# cell alike instead of the one pair measured then: on this 2-core VM the same pair moved by 15-30 %
# from one minute to the next, and the runs of one pair back to back had put all of that into the
# ratio between the pairs. A run that fails (e.g. a peer that stalled until RUN_TIMEOUT) is tried
# once more; the failure stays listed in the report either way. An hs cell also keeps the server's
# CPU per handshake, under the kind hscpu (its own median over the same runs).
cells() {
    local kind=$1 size=$2 count=$3 pair bimpl cimpl key i k
    shift 3
    local -a pairs=("$@")
    local -A got=() cpus=()
    for ((i = 1; i <= RUNS; i++)); do
        for pair in "${pairs[@]}"; do
            # A pair written kind/bimpl:cimpl is a cell of that kind taking its turns among these.
            k=$kind
            [[ $pair == */* ]] && k=${pair%%/*}
            bimpl=${pair#*/} bimpl=${bimpl%%:*} cimpl=${pair#*:}
            if pair_run "$k" "$bimpl" "$cimpl" "$size" "$count"; then
                :
            elif pair_run "$k" "$bimpl" "$cimpl" "$size" "$count"; then
                failures[${#failures[@]} - 1]+=" (run $i; its retry succeeded)"
            else
                continue
            fi
            got[$pair]+="${got[$pair]:+ }$run_value"
            [[ -n $run_cpu ]] && cpus[$pair]+="${cpus[$pair]:+ }$run_cpu"
        done
    done
    for pair in "${pairs[@]}"; do
        k=$kind
        [[ $pair == */* ]] && k=${pair%%/*}
        bimpl=${pair#*/} bimpl=${bimpl%%:*} cimpl=${pair#*:}
        key="$k:$bimpl:$cimpl:$size"
        local -a runs=() cpu_runs=()
        read -r -a runs <<<"${got[$pair]:-}"
        read -r -a cpu_runs <<<"${cpus[$pair]:-}"
        if ((${#cpu_runs[@]} > 0)); then
            result["${k}cpu:$bimpl:$cimpl:$size"]=$(median "${cpu_runs[@]}")
            samples["${k}cpu:$bimpl:$cimpl:$size"]="${cpu_runs[*]}"
        fi
        if ((${#runs[@]} > 0)); then
            result[$key]=$(median "${runs[@]}")
            samples[$key]="${runs[*]}"
            # A throughput cell's run time follows from its count and rate; a cell under 3 s measures
            # warm-up more than steady state, and the notes say so.
            if [[ $k != *lat ]]; then
                local secs
                secs=$(awk -v c="$count" -v r="${result[$key]}" 'BEGIN { if (r > 0) printf "%.1f", c / r; else print 0 }')
                if awk -v s="$secs" 'BEGIN { exit !(s < 3) }'; then
                    notes["$k $bimpl <- $cimpl$(size_text "$size"): a run took about $secs s (under 3 s: raise its count)"]=1
                fi
            fi
        fi
        say "$(printf '  %-8s %-10s <- %-10s %6s %s x%-8s runs: %s' "$k" "$bimpl" "$cimpl" "$size" "$([[ $size == - ]] && echo ' ' || echo B)" \
            "$count" "${runs[*]:-FAILED}")${cpu_runs[*]:+ (server CPU per handshake, us: ${cpu_runs[*]})}"
    done
}

# ------------------------------------------------------------------ machine

cpu_model=$(grep -m1 'model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')
[[ -z $cpu_model ]] && cpu_model=$(uname -m)
java_version=$(java -version 2>&1 | head -n 3)
libzmq_version=$(pkg-config --modversion libzmq 2>/dev/null || "$zmq_perf" version 2>/dev/null || echo unknown)
libzmq_runtime=$("$zmq_perf" version 2>/dev/null || echo unknown)
jeromq_version=$(sed -n 's|.*/org/zeromq/jeromq/\([^/]*\)/jeromq-.*|\1|p' <<<"$(tr ':' '\n' <"$bench_dir/target/classpath.txt")" | head -n 1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# What waking a sleeping thread costs here: every REQ/REP round trip sleeps and wakes six times
# (an application thread and an I/O thread on each side), so the latency cells are read against it.
wake_cost=unknown
if [[ -x $bench_dir/target/wake_pingpong ]]; then
    wake_cost=$("$bench_dir/target/wake_pingpong" 100000 2>&1 | sed -n 's/^wake-up round trip[^:]*: //p')
    [[ -z $wake_cost ]] && wake_cost=unknown
fi
run_date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')

say "machine: $(nproc) CPUs, $cpu_model, kernel $(uname -r), libzmq $libzmq_runtime, JeroMQ ${jeromq_version:-?}"
say "runs per cell: $RUNS; logs: $log_dir"
say "thread wake-up round trip (bench/native/wake_pingpong.c): $wake_cost"

# ------------------------------------------------------------------ the measurements

impls=(ours-nio ours-epoll jeromq libzmq)

# same_pairs <impl>...: each implementation against itself, as cells takes them.
same_pairs() {
    local impl
    for impl in "$@"; do printf '%s:%s\n' "$impl" "$impl"; done
}

say "PUSH/PULL throughput over tcp://127.0.0.1, with the cross pairs ours (nio) and libzmq ..."
for size in $SIZES; do
    # The cross pairs take their turns with the rest: each is read against libzmq's own pair.
    mapfile -t pairs < <(same_pairs "${impls[@]}")
    cells thr "$size" "$(thr_count "$size")" "${pairs[@]}" \
        libzmq:ours-nio ours-nio:libzmq   # ours -> libzmq, libzmq -> ours
done

say "REQ/REP latency over tcp://127.0.0.1 ..."
for size in $SIZES; do
    mapfile -t pairs < <(same_pairs "${impls[@]}")
    cells lat "$size" "$(lat_count "$size")" "${pairs[@]}"
done

if [[ -n $WS_SIZES$WS_LAT_SIZES ]]; then
    say "PUSH/PULL throughput and REQ/REP latency over ws://127.0.0.1 (ours on NIO, libzmq) ..."
    # Ours over tcp takes its turns beside them (tcpwsthr, tcpwslat): the ws/tcp targets compare
    # figures of the same minutes, not ws against the tcp row of a quarter of an hour before (the
    # VM's speed drifts more than that between windows of one run).
    for size in $WS_SIZES; do
        cells wsthr "$size" "$(thr_count "$size")" ours-nio:ours-nio libzmq:libzmq tcpwsthr/ours-nio:ours-nio
    done
    for size in $WS_LAT_SIZES; do
        cells wslat "$size" "$(lat_count "$size")" ours-nio:ours-nio libzmq:libzmq tcpwslat/ours-nio:ours-nio
    done
fi

say "inproc_thr: ours (nio) and libzmq, taking turns ..."
# inproc_run <impl> <run>: one inproc_thr process; its figure into inproc_got_<impl>.
declare -a inproc_got=() inproc_got_libzmq=()
inproc_run() {
    local impl=$1 i=$2 tag ipid irc v
    local -a cmd
    tag="$log_dir/inproc-$impl-$i"
    if [[ $impl == libzmq ]]; then
        cmd=("$zmq_perf" inproc_thr)
    else
        cmd=(env ZMTP_IO=nio "$bin/inproc_thr")
    fi
    timeout -k 5 "$RUN_TIMEOUT" "${cmd[@]}" 16 "$INPROC_COUNT" >"$tag.out" 2>"$tag.err" </dev/null &
    ipid=$!
    live_pids+=("$ipid")
    wait "$ipid"
    irc=$?
    forget_pid "$ipid"
    v=$(sed -nE 's/^mean throughput: ([0-9]+) \[msg\/s\]/\1/p' "$tag.out" | head -n 1)
    if ((irc == 0)) && [[ -n $v ]]; then
        if [[ $impl == libzmq ]]; then inproc_got_libzmq+=("$v"); else inproc_got+=("$v"); fi
    else
        failures+=("inproc_thr ($impl) 16 B run $i: exit $irc; $(tail -n 3 "$tag.err" | tr '\n' ' ')")
    fi
    if [[ -s $tag.err ]]; then
        notes["inproc_thr ($impl) said on stderr: $(head -n 1 "$tag.err")"]=1
    fi
}
for ((i = 1; i <= RUNS; i++)); do
    inproc_run ours-nio "$i"
    inproc_run libzmq "$i"
done
inproc_median="" inproc_median_libzmq=""
((${#inproc_got[@]} > 0)) && inproc_median=$(median "${inproc_got[@]}")
((${#inproc_got_libzmq[@]} > 0)) && inproc_median_libzmq=$(median "${inproc_got_libzmq[@]}")
say "$(printf '  inproc_thr ours-nio 16 B x%s runs: %s' "$INPROC_COUNT" "${inproc_got[*]:-FAILED}")"
say "$(printf '  inproc_thr libzmq   16 B x%s runs: %s' "$INPROC_COUNT" "${inproc_got_libzmq[*]:-FAILED}")"

# Ours on NIO only from here: these cells compare patterns and mechanisms, not event loops.
new_impls=(ours-nio jeromq libzmq)

say "PUB/SUB throughput over tcp://127.0.0.1 (one pub_thr, N subscribers in one sub_thr) ..."
for n in $PUBSUB_SUBSCRIBERS; do
    for size in $PUBSUB_SIZES; do
        mapfile -t pairs < <(same_pairs "${new_impls[@]}")
        cells "pubsub$n" "$size" "$(pubsub_count "$size" "$n")" "${pairs[@]}"
    done
done

if [[ -n $PUBSUB_FILTERS ]]; then
    say "PUB/SUB throughput, 1 SUB holding $PUBSUB_FILTERS subscriptions of which 1 matches ..."
    mapfile -t pairs < <(same_pairs "${new_impls[@]}")
    cells "pubsub1f$PUBSUB_FILTERS" 16 "$(pubsub_count 16 1)" "${pairs[@]}"
fi

say "PUSH/PULL throughput over CURVE (ZMTP_PERF_CURVE=1) ..."
for size in $CURVE_SIZES; do
    mapfile -t pairs < <(same_pairs "${new_impls[@]}")
    cells curve "$size" "$(curve_count "$size")" "${pairs[@]}"
done

say "CURVE handshakes (curve_hs_server/curve_hs_client, $HS_PARALLEL in flight, ZAP over 1,000 keys; ours: $HS_ZAP) ..."
# JeroMQ's handshake runs take fewer connections (HS_COUNT_JEROMQ), so they are a cell of their own.
cells hs - "$HS_COUNT" ours-nio:ours-nio libzmq:libzmq \
    ours-nio:libzmq   # libzmq's client against our server
cells hs - "$(hs_count jeromq)" jeromq:jeromq


# ------------------------------------------------------------------ the table

fmt_value() { # kind value
    [[ -z $2 ]] && { echo "FAILED"; return; }
    case $1 in
        lat | wslat) printf '%.2f' "$2" ;;
        hscpu) printf '%.1f' "$2" ;;
        *) printf '%.0f' "$2" ;;
    esac
}
# Three places, for the target lines: a ratio just short of a mark must not print as the mark.
ratio3() { # a b
    [[ -z $1 || -z $2 ]] && { echo "—"; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "—"; else printf "%.3f", a / b }'
}

ratio() { # a b
    [[ -z $1 || -z $2 ]] && { echo "—"; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "—"; else printf "%.2f", a / b }'
}

table="| cell | size [B] | ours | libzmq | JeroMQ | ours/libzmq | ours/JeroMQ |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
row() { # label size ours libzmq jeromq kind ("none": no such cell)
    local label=$1 size=$2 o=$3 l=$4 j=$5 kind=$6 jcell rj lcell rl
    if [[ $j == none ]]; then jcell="—" rj="—"; else jcell=$(fmt_value "$kind" "$j") rj=$(ratio "$o" "$j"); fi
    if [[ $l == none ]]; then lcell="—" rl="—"; else lcell=$(fmt_value "$kind" "$l") rl=$(ratio "$o" "$l"); fi
    table+=$'\n'"| $label | $size | $(fmt_value "$kind" "$o") | $lcell | $jcell | $rl | $rj |"
}
for t in nio epoll; do
    for size in $SIZES; do
        row "PUSH/PULL thr [msg/s], ours=$t" "$size" "${result[thr:ours-$t:ours-$t:$size]:-}" \
            "${result[thr:libzmq:libzmq:$size]:-}" "${result[thr:jeromq:jeromq:$size]:-}" thr
    done
done
for size in $SIZES; do
    row "cross thr [msg/s]: ours(nio) → libzmq" "$size" "${result[thr:libzmq:ours-nio:$size]:-}" \
        "${result[thr:libzmq:libzmq:$size]:-}" none thr
done
for size in $SIZES; do
    row "cross thr [msg/s]: libzmq → ours(nio)" "$size" "${result[thr:ours-nio:libzmq:$size]:-}" \
        "${result[thr:libzmq:libzmq:$size]:-}" none thr
done
for t in nio epoll; do
    for size in $SIZES; do
        row "REQ/REP lat [us], ours=$t" "$size" "${result[lat:ours-$t:ours-$t:$size]:-}" \
            "${result[lat:libzmq:libzmq:$size]:-}" "${result[lat:jeromq:jeromq:$size]:-}" lat
    done
done
for size in $WS_SIZES; do
    row "ws PUSH/PULL thr [msg/s], ours=nio" "$size" "${result[wsthr:ours-nio:ours-nio:$size]:-}" \
        "${result[wsthr:libzmq:libzmq:$size]:-}" none thr
done
for size in $WS_LAT_SIZES; do
    row "ws REQ/REP lat [us], ours=nio" "$size" "${result[wslat:ours-nio:ours-nio:$size]:-}" \
        "${result[wslat:libzmq:libzmq:$size]:-}" none lat
done
# Ours over tcp again, in turns with the ws cells: what their ws/tcp targets are read against.
for size in $WS_SIZES; do
    row "tcp PUSH/PULL thr [msg/s] beside the ws cells, ours=nio" "$size" "${result[tcpwsthr:ours-nio:ours-nio:$size]:-}" \
        none none thr
done
for size in $WS_LAT_SIZES; do
    row "tcp REQ/REP lat [us] beside the ws cells, ours=nio" "$size" "${result[tcpwslat:ours-nio:ours-nio:$size]:-}" \
        none none lat
done
table+=$'\n'"| inproc thr [msg/s], ours=nio | 16 | $(fmt_value thr "$inproc_median") | $(fmt_value thr "$inproc_median_libzmq") | — | $(ratio "$inproc_median" "$inproc_median_libzmq") | — |"
for n in $PUBSUB_SUBSCRIBERS; do
    label="PUB/SUB thr [msg/s], $n SUB"
    ((n > 1)) && label+="s"
    for size in $PUBSUB_SIZES; do
        row "$label" "$size" "${result[pubsub$n:ours-nio:ours-nio:$size]:-}" \
            "${result[pubsub$n:libzmq:libzmq:$size]:-}" "${result[pubsub$n:jeromq:jeromq:$size]:-}" thr
    done
done
if [[ -n $PUBSUB_FILTERS ]]; then
    row "PUB/SUB thr [msg/s], 1 SUB, $PUBSUB_FILTERS subscriptions (1 matches)" 16 \
        "${result[pubsub1f$PUBSUB_FILTERS:ours-nio:ours-nio:16]:-}" "${result[pubsub1f$PUBSUB_FILTERS:libzmq:libzmq:16]:-}" \
        "${result[pubsub1f$PUBSUB_FILTERS:jeromq:jeromq:16]:-}" thr
fi
for size in $CURVE_SIZES; do
    row "PUSH/PULL CURVE thr [msg/s]" "$size" "${result[curve:ours-nio:ours-nio:$size]:-}" \
        "${result[curve:libzmq:libzmq:$size]:-}" "${result[curve:jeromq:jeromq:$size]:-}" thr
done
row "CURVE handshakes/s (client's count over its run)" — "${result[hs:ours-nio:ours-nio:-]:-}" \
    "${result[hs:libzmq:libzmq:-]:-}" "${result[hs:jeromq:jeromq:-]:-}" hs
row "CURVE handshakes/s: libzmq clients → ours(nio) server" — "${result[hs:ours-nio:libzmq:-]:-}" \
    "${result[hs:libzmq:libzmq:-]:-}" none hs
row "CURVE handshake server CPU [us/handshake]" — "${result[hscpu:ours-nio:ours-nio:-]:-}" \
    "${result[hscpu:libzmq:libzmq:-]:-}" "${result[hscpu:jeromq:jeromq:-]:-}" hscpu
row "CURVE handshake server CPU [us/handshake]: libzmq clients → ours(nio) server" — "${result[hscpu:ours-nio:libzmq:-]:-}" \
    "${result[hscpu:libzmq:libzmq:-]:-}" none hscpu

printf '%s\n' "$table"

# ------------------------------------------------------------------ targets

ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
# Targets judge the unrounded ratio: a/b >= want (ratio_ge) or <= want (ratio_le). The two-place
# figure printed beside it can round up to the mark (1.4961 prints as 1.50) without reaching it.
ratio_ge() { awk -v a="$1" -v b="$2" -v w="$3" 'BEGIN { exit !(b > 0 && a / b >= w) }'; }
ratio_le() { awk -v a="$1" -v b="$2" -v w="$3" 'BEGIN { exit !(b > 0 && a / b <= w) }'; }

targets=""
unmet=()
target_line() { # met? text; met? is yes, no, or unmeasured (cells left out of this run: not met either)
    case $1 in
        yes) targets+="- **met**: $2"$'\n' ;;
        unmeasured) targets+="- **not measured in this run**: $2"$'\n'; unmet+=("$2") ;;
        *) targets+="- **NOT met**: $2"$'\n'; unmet+=("$2") ;;
    esac
}
# The socket core's targets (throughput: ours/libzmq at least the ratio; latency: at most it).
for t in nio epoll; do
    bad=() ok=yes detail=()
    for size in $SIZES; do
        o=${result[thr:ours-$t:ours-$t:$size]:-} l=${result[thr:libzmq:libzmq:$size]:-}
        if [[ -z $o || -z $l ]]; then ok=no bad+=("$size B: no figure"); continue; fi
        r=$(ratio3 "$o" "$l")
        detail+=("$size B: $r")
        ge "$o" "$l" || { ok=no; bad+=("$size B"); }
    done
    ((${#detail[@]} + ${#bad[@]} == 0)) && ok=unmeasured
    target_line $ok "TCP PUSH/PULL throughput ours($t)/libzmq >= 1.0 at every size; ours/libzmq: $(IFS=,; echo "${detail[*]:-none}" | sed 's/,/, /g'); below 1.0 at: $(IFS=,; echo "${bad[*]:-none}" | sed 's/,/, /g')"
done
for t in nio epoll; do
    o=${result[thr:ours-$t:ours-$t:16]:-} j=${result[thr:jeromq:jeromq:16]:-}
    if [[ -n $o && -n $j ]]; then
        r=$(ratio3 "$o" "$j")
        if ratio_ge "$o" "$j" 1.5; then target_line yes "TCP PUSH/PULL throughput at 16 B >= 1.5x JeroMQ, ours($t): ${r}x"
        else target_line no "TCP PUSH/PULL throughput at 16 B >= 1.5x JeroMQ, ours($t): ${r}x"; fi
    else
        target_line no "TCP PUSH/PULL throughput at 16 B >= 1.5x JeroMQ, ours($t): no figure"
    fi
done
o=${result[thr:libzmq:ours-nio:16]:-} l=${result[thr:libzmq:libzmq:16]:-}
if [[ -n $o && -n $l ]]; then
    r=$(ratio3 "$o" "$l")
    if ratio_ge "$o" "$l" 0.95; then target_line yes "cross pair ours -> libzmq at 16 B >= 0.95 of libzmq -> libzmq: $r"
    else target_line no "cross pair ours -> libzmq at 16 B >= 0.95 of libzmq -> libzmq: $r"; fi
else
    target_line no "cross pair ours -> libzmq at 16 B >= 0.95 of libzmq -> libzmq: no figure"
fi
for t in nio epoll; do
    limit=1.0
    [[ $t == nio ]] && limit=1.15
    bad=() ok=yes detail=()
    for size in $SIZES; do
        [[ $size == 16 || $size == 1024 ]] || continue
        o=${result[lat:ours-$t:ours-$t:$size]:-} l=${result[lat:libzmq:libzmq:$size]:-}
        if [[ -z $o || -z $l ]]; then ok=no bad+=("$size B: no figure"); continue; fi
        r=$(ratio3 "$o" "$l")
        detail+=("$size B: $r")
        ratio_le "$o" "$l" "$limit" || { ok=no; bad+=("$size B"); }
    done
    ((${#detail[@]} + ${#bad[@]} == 0)) && ok=unmeasured
    target_line $ok "REQ/REP latency ours($t)/libzmq <= $limit at 16 B and 1 KiB; ours/libzmq: $(IFS=,; echo "${detail[*]:-none}" | sed 's/,/, /g'); above at: $(IFS=,; echo "${bad[*]:-none}" | sed 's/,/, /g')"
done
if [[ -n $inproc_median ]] && ge "$inproc_median" 10000000; then
    target_line yes "inproc throughput >= 10M msg/s at 16 B (got $(fmt_value thr "$inproc_median") msg/s)"
else
    target_line no "inproc throughput >= 10M msg/s at 16 B (got $(fmt_value thr "$inproc_median") msg/s)"
fi
for n in $PUBSUB_SUBSCRIBERS; do
    want=1.0
    ((n == 1)) && want=0.8
    o=${result[pubsub$n:ours-nio:ours-nio:16]:-} l=${result[pubsub$n:libzmq:libzmq:16]:-}
    [[ $n == 1 || $n == 10 ]] || continue
    if [[ -n $o && -n $l ]]; then
        r=$(ratio3 "$o" "$l")
        if ratio_ge "$o" "$l" "$want"; then target_line yes "PUB -> $n SUB at 16 B >= ${want}x libzmq: $r"
        else target_line no "PUB -> $n SUB at 16 B >= ${want}x libzmq: $r"; fi
    else
        target_line no "PUB -> $n SUB at 16 B >= ${want}x libzmq: no figure"
    fi
done

# Issue 15's CURVE throughput targets: ours/libzmq >= 0.8 and ours/JeroMQ >= 4 at each CURVE size.
for size in $CURVE_SIZES; do
    o=${result[curve:ours-nio:ours-nio:$size]:-} l=${result[curve:libzmq:libzmq:$size]:-} j=${result[curve:jeromq:jeromq:$size]:-}
    if [[ -n $o && -n $l ]]; then
        r=$(ratio3 "$o" "$l")
        if ratio_ge "$o" "$l" 0.8; then target_line yes "PUSH/PULL over CURVE at $size B ours(nio)/libzmq >= 0.8: $r"
        else target_line no "PUSH/PULL over CURVE at $size B ours(nio)/libzmq >= 0.8: $r"; fi
    else
        target_line no "PUSH/PULL over CURVE at $size B ours(nio)/libzmq >= 0.8: no figure"
    fi
    if [[ -n $o && -n $j ]]; then
        r=$(ratio3 "$o" "$j")
        if ratio_ge "$o" "$j" 4; then target_line yes "PUSH/PULL over CURVE at $size B ours(nio)/JeroMQ >= 4: $r"
        else target_line no "PUSH/PULL over CURVE at $size B ours(nio)/JeroMQ >= 4: $r"; fi
    else
        target_line no "PUSH/PULL over CURVE at $size B ours(nio)/JeroMQ >= 4: no figure"
    fi
done
[[ -n $CURVE_SIZES ]] || target_line unmeasured "PUSH/PULL over CURVE at 16 B and 1 KiB ours(nio)/libzmq >= 0.8 and ours/JeroMQ >= 4"

o=${result[hs:ours-nio:ours-nio:-]:-} l=${result[hs:libzmq:libzmq:-]:-}
if [[ -n $o && -n $l ]]; then
    r=$(ratio3 "$o" "$l")
    if ratio_ge "$o" "$l" 0.8; then target_line yes "CURVE handshakes/s ours(nio)/libzmq >= 0.8: $r"
    else target_line no "CURVE handshakes/s ours(nio)/libzmq >= 0.8: $r"; fi
else
    target_line no "CURVE handshakes/s ours(nio)/libzmq >= 0.8: no figure"
fi

# ratio_target <a> <b> <ge|le> <want> <text>: the target line "a/b >= want" (ge) or "<= want" (le).
ratio_target() {
    local a=$1 b=$2 op=$3 want=$4 text=$5 r
    if [[ -z $a || -z $b ]]; then
        target_line no "$text: no figure"
        return
    fi
    r=$(ratio3 "$a" "$b")
    if "ratio_$op" "$a" "$b" "$want"; then target_line yes "$text: $r"; else target_line no "$text: $r"; fi
}
# Issue 17's ws targets: ours over ws at least 0.8x ours over tcp (throughput; latency at most
# 1/0.8 = 1.25x), and at least libzmq over ws (latency: at most libzmq's), at each ws size. Ours over
# tcp has a figure at a size only when SIZES holds it.
for size in $WS_SIZES; do
    w=${result[wsthr:ours-nio:ours-nio:$size]:-}
    ratio_target "$w" "${result[tcpwsthr:ours-nio:ours-nio:$size]:-}" ge 0.8 "ws PUSH/PULL throughput at $size B ours(nio) ws/tcp >= 0.8 (tcp in turns beside ws)"
    ratio_target "$w" "${result[wsthr:libzmq:libzmq:$size]:-}" ge 1 "ws PUSH/PULL throughput at $size B ours(nio)/libzmq over ws >= 1.0"
done
for size in $WS_LAT_SIZES; do
    w=${result[wslat:ours-nio:ours-nio:$size]:-}
    ratio_target "$w" "${result[tcpwslat:ours-nio:ours-nio:$size]:-}" le 1.25 "ws REQ/REP latency at $size B ours(nio) ws/tcp <= 1.25 (0.8x as fast; tcp in turns beside ws)"
    ratio_target "$w" "${result[wslat:libzmq:libzmq:$size]:-}" le 1 "ws REQ/REP latency at $size B ours(nio)/libzmq over ws <= 1.0"
done
[[ -n $WS_SIZES$WS_LAT_SIZES ]] || target_line unmeasured "ws throughput and latency ours(nio) >= 0.8x our tcp and >= libzmq over ws"

printf '\nTargets:\n%s' "$targets"
if ((${#failures[@]} > 0)); then
    printf '\nFailed runs:\n'
    printf -- '- %s\n' "${failures[@]}"
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(($(date +%s) - started_at))
say "done in ${elapsed}s"

# ------------------------------------------------------------------ BENCHMARKS.md

[[ $OUT == - ]] && exit 0

jmh_section=""
if [[ -f $OUT ]]; then
    jmh_section=$(awk '/<!-- jmh:begin -->/ { on = 1 } on { print } /<!-- jmh:end -->/ { on = 0 }' "$OUT")
fi
if [[ -z $jmh_section ]]; then
    jmh_section="<!-- jmh:begin -->
## JMH micro-benchmarks

Not run yet: \`bench/jmh.sh\` fills this section.
<!-- jmh:end -->"
fi

# The config center's fleet section (bench/fleet.sh) survives a rerun too, at the end.
fleet_section=""
if [[ -f $OUT ]]; then
    fleet_section=$(awk '/<!-- fleet:begin -->/ { on = 1 } on { print } /<!-- fleet:end -->/ { on = 0 }' "$OUT")
fi

# The profile section bench/profile.sh writes between these markers survives a rerun, in its
# place after the targets (it says itself which run produced it).
profile_section=""
if [[ -f $OUT ]]; then
    profile_section=$(awk '/<!-- profile:begin -->/ { on = 1 } on { print } /<!-- profile:end -->/ { on = 0 }' "$OUT")
fi

# The arguments for targets shown out of reach (written by hand, with the profiles and the runs
# they rest on, between these markers) survive a rerun too, after the profile section; each says
# which run it argues from, so a new run makes it stand or fall in plain view.
argued_section=""
if [[ -f $OUT ]]; then
    argued_section=$(awk '/<!-- argued:begin -->/ { on = 1 } on { print } /<!-- argued:end -->/ { on = 0 }' "$OUT")
fi

# The event-loop section (bench/loops.sh) survives a rerun too, at the very end.
loops_section=""
if [[ -f $OUT ]]; then
    loops_section=$(awk '/<!-- loops:begin -->/ { on = 1 } on { print } /<!-- loops:end -->/ { on = 0 }' "$OUT")
fi

counts_parts=()
for size in $SIZES; do
    counts_parts+=("$(thr_count "$size") at $size B")
done
counts_text=$(IFS=,; echo "${counts_parts[*]}" | sed 's/,/, /g')
counts_parts=()
for size in $SIZES; do
    counts_parts+=("$(lat_count "$size") at $size B")
done
lat_counts_text=$(IFS=,; echo "${counts_parts[*]}" | sed 's/,/, /g')
counts_parts=()
for size in $PUBSUB_SIZES; do
    for n in $PUBSUB_SUBSCRIBERS; do
        counts_parts+=("$(pubsub_count "$size" "$n") at $size B to $n")
    done
done
pubsub_counts_text=$(IFS=,; echo "${counts_parts[*]}" | sed 's/,/, /g')
counts_parts=()
for size in $CURVE_SIZES; do
    counts_parts+=("$(curve_count "$size") at $size B")
done
curve_counts_text=$(IFS=,; echo "${counts_parts[*]}" | sed 's/,/, /g')
subscribers_text=$(echo $PUBSUB_SUBSCRIBERS | sed 's/ / and /g')
if [[ $HS_ZAP == direct ]]; then
    hs_zap_text="our server (\`HS_ZAP=direct\`) asks the socket's authenticator (a
  \`CurveKeyAuthenticator\` over the set) on the connection's event loop, as the config center
  does; \`HS_ZAP=inproc\` makes it use a REP handler over inproc too."
else
    hs_zap_text="our server (\`HS_ZAP=inproc\`) does the same, through its \`ZapClient\`
  (the default, \`HS_ZAP=direct\`, asks the socket's authenticator on the event loop instead)."
fi
load_note=""
if awk -v l="${load_before%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
    load_note="
- **Caution**: the 1-minute load average at the start (${load_before%% *}) was above the number of
  CPUs ($(nproc)): other work shared this machine during the run, so every figure, ours and the
  baselines alike, is lower and noisier than on an idle machine. Compare the columns with each
  other, not with figures taken elsewhere."
fi

{
    cat <<EOF
# Benchmarks

Generated by \`bench/compare.sh\` (the comparison tables, and the charts drawn from them),
\`bench/profile.sh\` (where the time goes), \`bench/jmh.sh\` (the JMH section), \`bench/fleet.sh\`
(the config center's fleet) and \`bench/loops.sh\` (the event loops); every figure below was
measured by those scripts on the machine described here (each section says when its run was).
Do not edit the numbers by hand: run the scripts again.

## Machine and run

- date: $run_date
- command: \`$command_line\` (from the repository root), ${elapsed} s in all
- CPUs (nproc): $(nproc)
- CPU: $cpu_model
- kernel: $(uname -sr)
- java -version:

  \`\`\`
$(sed 's/^/  /' <<<"$java_version")
  \`\`\`

- libzmq: $libzmq_version (pkg-config), $libzmq_runtime at run time (zmq_version); C peer \`bench/native/zmq_perf.c\` built with \`gcc -O2 -pthread\`
- JeroMQ: ${jeromq_version:-unknown} (low-level \`zmq.*\` API, \`bench/src/main/java/io/zmtp/bench/jeromq\`)
- thread wake-up round trip (\`bench/native/wake_pingpong.c\`: two threads of one process taking turns
  through two eventfds, so two wake-ups each): $wake_cost
- load average (1/5/15 min) before: $load_before; after: $load_after$load_note

## Method

- libzmq's perf tools and their twins: \`local_thr\`/\`remote_thr\` (PUSH/PULL) and
  \`local_lat\`/\`remote_lat\` (REQ/REP), the two sides in two processes on this machine, over
  \`tcp://127.0.0.1:<free port>\` (a new port for every run). Ours: \`bench/bin/*\` with
  \`ZMTP_IO=nio\` or \`epoll\`; JeroMQ: \`io.zmtp.bench.jeromq.*\`; libzmq: \`zmq_perf\`.
- Throughput is what \`local_thr\` prints (messages after the first one arrived, over the time
  they took); messages per run: $counts_text. Latency is what \`remote_lat\` prints (one-way:
  elapsed / (2 x round trips), connecting included); round trips per run: $lat_counts_text.
- Every cell is the median of $RUNS runs. Each JVM starts cold for every run (no warm-up beyond
  the run itself), as with libzmq's tools; the counts are sized so that our runs last 7 s or more
  at 16 B to 1 KiB, where a JVM compiles its hot paths for the first 1-2 s of a run. The
  implementations of a row (and the cross pairs of its size) take turns, run 1 of each, then run 2
  of each, so a minute in which the machine is slow touches each of them once instead of putting
  all of one implementation's runs in it.
- ours/libzmq and ours/JeroMQ are plain ratios of the figures: above 1.0 is better for
  throughput (and handshakes/s), below 1.0 is better for latency (and CPU per handshake). The cross rows put the cross pair in the "ours"
  column and libzmq with itself in the "libzmq" column.
- inproc: \`inproc_thr 16 $INPROC_COUNT\` (one process: the main thread binds a PULL, a second
  thread connects a PUSH and sends), ours (\`bench/bin/inproc_thr\`) and libzmq's (\`zmq_perf
  inproc_thr\`, after libzmq's perf/inproc_thr) taking turns, median of $RUNS runs each. The
  target (10M msg/s) is ours alone; libzmq's figure is there to read it by.
- ws: the same \`local_thr\`/\`remote_thr\` and \`local_lat\`/\`remote_lat\` over
  \`ws://127.0.0.1:<free port>/bench\` (ZWS 2.0: each ZMTP frame a WebSocket message, the
  connecting side masking what it sends, as RFC 6455 asks of a client), ours on NIO and libzmq
  (its draft ws transport, in Debian's build); JeroMQ has no ws transport. Same counts as the tcp
  cells of the size; ours over tcp (NIO) takes its turns among them at the same sizes (the
  \`beside the ws cells\` rows), and the targets compare ours over ws with those figures, taken in
  the same minutes (the VM's speed drifts between the windows of a run more than the margins
  read here), and with libzmq over ws.
- PUB/SUB (libzmq has no tool for it; \`pub_thr\`/\`sub_thr\` are this bench's pair, in
  \`bench/bin\`, \`io.zmtp.bench.jeromq.PubThr\`/\`SubThr\` and \`zmq_perf pub_thr\`/\`sub_thr\`):
  \`pub_thr\` binds an XPUB with XPUB_VERBOSE, XPUB_NODROP and SNDHWM 100000 and starts sending
  only once it has received one subscription per expected subscriber, so no message is published
  before every filter is in place, and none is dropped at the HWM (the publisher waits there for
  the subscribers, its memory bounded). \`sub_thr\` runs all N SUB sockets (each subscribed to everything) in one
  process, one thread per socket, on one context with one I/O thread: one JVM for ours and for
  JeroMQ, one process with N threads for libzmq. Each subscriber is timed like \`local_thr\`
  (from its first message to its last); the run's figure is the mean of the N subscribers'
  figures, and the cell is the median over $RUNS runs of that mean. $subscribers_text
  subscribers; messages per run (each subscriber receives all of them): $pubsub_counts_text.
  Ours on NIO.
- CURVE: \`local_thr\`/\`remote_thr\` with \`ZMTP_PERF_CURVE=1\` on both sides: \`local_thr\` is the
  CURVE server, \`remote_thr\` its client, with fixed benchmark-only key pairs that all three
  implementations hold (\`io.zmtp.bench.BenchCurve\`, \`zmq_perf.c\`); messages per run:
  $curve_counts_text. Ours on NIO. JeroMQ's \`local_thr\` has RCVHWM 0 under CURVE: with the
  default HWM, JeroMQ 0.6.0 hands the application a still-encrypted MESSAGE command whenever its
  full pipe resumes reading (zeromq/jeromq#1009), and the run fails on a wrong message size.
- CURVE handshakes: \`curve_hs_server <bind> <count>\` and \`curve_hs_client <connect> <count> $HS_PARALLEL\`
  (\`bench/bin\`, \`io.zmtp.bench.jeromq.CurveHsServer\`/\`CurveHsClient\`, \`zmq_perf curve_hs_server\`/\`curve_hs_client\`).
  The server is a ROUTER, a CURVE server with the fixed keys, whose ZAP handler admits a client iff
  its public key is in a set of 1,000 held in a hash table (the benchmark client's key and 999
  fixed generated ones, the same in all three: \`io.zmtp.bench.HandshakeBench\`); it sends each
  request back and exits after \`<count>\` requests. The client opens \`<count>\` connections in
  all, $HS_PARALLEL at a time (one thread per connection in flight, one context with one I/O
  thread): each a fresh DEALER (CURVE client, LINGER 0) that connects, sends one 2-byte request,
  waits until it comes back (by then the handshake, ZAP decision included, is complete on both
  sides) and closes. Connections per run: $HS_COUNT for ours, libzmq and the cross pair,
  $HS_COUNT_JEROMQ for JeroMQ (its handshake is about ten times slower). Handshakes/s is the
  client's: connections over the time from before its first socket to after its last close. The
  server's CPU per handshake is its whole process's CPU time (all threads, user + system; for a
  JVM, GC and JIT included) from its first ZAP request to its last request in, over the count; for
  it ours/libzmq below 1.0 is better. libzmq and JeroMQ ask a ZAP handler over
  \`inproc://zeromq.zap.01\` (a REP socket in a thread of its own); $hs_zap_text The "libzmq clients → ours"
  rows run libzmq's client against our server, so both columns face the same client. Ours on NIO.

## Results

$table

## Targets

$targets
EOF
    if ((${#unmet[@]} > 0)); then
        echo "Not met on this run: ${#unmet[@]} of the targets above (marked **NOT met**)."
    else
        echo "All targets above were met on this run."
    fi
    if ((${#notes[@]} > 0)); then
        echo
        echo "Notes from the runs:"
        echo
        for n in "${!notes[@]}"; do
            echo "- $n"
        done
    fi
    if [[ -n $profile_section ]]; then
        echo
        printf '%s\n' "$profile_section"
    fi
    if [[ -n $argued_section ]]; then
        echo
        printf '%s\n' "$argued_section"
    fi
    echo
    echo "## Failed runs"
    echo
    if ((${#failures[@]} > 0)); then
        printf -- '- %s\n' "${failures[@]}"
    else
        echo "None: every run of every cell produced its figure."
    fi
    echo
    echo "## Every run"
    echo
    echo "| kind | binding side | connecting side | size [B] | runs |"
    echo "| --- | --- | --- | ---: | --- |"
    for key in $(printf '%s\n' "${!samples[@]}" | sort -t: -k1,1 -k2,2 -k3,3 -k4,4n); do
        IFS=: read -r k b c s <<<"$key"
        echo "| $k | $b | $c | $s | ${samples[$key]} |"
    done
    echo "| inproc_thr | ours-nio | (same process) | 16 | ${inproc_got[*]:-} |"
    echo "| inproc_thr | libzmq | (same process) | 16 | ${inproc_got_libzmq[*]:-} |"
    echo
    printf '%s\n' "$jmh_section"
    if [[ -n $fleet_section ]]; then
        echo
        printf '%s\n' "$fleet_section"
    fi
    if [[ -n $loops_section ]]; then
        echo
        printf '%s\n' "$loops_section"
    fi
} >"$OUT"
say "wrote $OUT"

# The charts, from the Results table just written and nothing else (a JVM of a second or two:
# a small heap, not the perf tools' pre-touched 1 GiB).
charts_dir=${CHARTS:-$(dirname "$OUT")/docs/benchmarks}
say "drawing the charts into $charts_dir (io.zmtp.bench.charts.CompareCharts) ..."
if ! JAVA_OPTS="-Djava.awt.headless=true -Xms64m -Xmx512m -XX:-AlwaysPreTouch" "$bin/perf-tool" \
    io.zmtp.bench.charts.CompareCharts "$OUT" "$charts_dir" >"$log_dir/charts.out" 2>"$log_dir/charts.err"; then
    cat "$log_dir/charts.err" >&2
    say "compare.sh: could not draw the charts; $OUT has every figure but no Charts section"
    exit 1
fi
say "wrote the Charts section of $OUT"
