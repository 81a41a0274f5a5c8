#!/usr/bin/env bash
# CPU profiles of the cases whose targets BENCHMARKS.md states as not met, taken with
# async-profiler 4.1: its own flame graphs (HTML) of every profile, and the samples per thread
# group, in the profile section of BENCHMARKS.md: the evidence of where the time goes. The figures
# are shares of CPU samples, not speeds; every one comes from this run.
#
#   bench/profile.sh            # from the repository root (works from any cwd)
#   THR_COUNT_16=200000 THR_COUNT_256=200000 LAT_COUNT=5000 INPROC_COUNT=1000000 bench/profile.sh   # briefly
#
# It builds what it needs (mvn -B -q -o -pl bench package -DskipTests; gcc for the C peer
# bench/native/zmq_perf.c, as bench/compare.sh does), fetches async-profiler 4.1 and its converter
# from Maven Central (mvn dependency:copy of tools.profiler:async-profiler:4.1:jar:linux-x64 and
# tools.profiler:jfr-converter:4.1 into bench/target/async-profiler, once; neither is a dependency
# of the project) and runs, each over
# tcp://127.0.0.1:<free port>, with the profiler loaded into every one of our JVMs through
# JAVA_OPTS (-agentpath:libasyncProfiler.so=start,event=cpu,interval=1ms,threads,file=...,collapsed):
#   a. PUSH/PULL throughput, 16 B, ours -> ours, NIO (local_thr + remote_thr)
#   b. the same at 256 B
#   c. REQ/REP latency, 16 B, ours <-> ours, epoll (local_lat + remote_lat)
#   d. inproc_thr 16 B (one JVM, NIO)
#   e. PUSH/PULL throughput, 16 B, libzmq -> ours and ours -> libzmq, NIO (the C peer
#      bench/target/zmq_perf on the other side; only our JVM is profiled, and the CPU time of
#      both processes is measured, so it shows which side is the busier one)
# Each profile becomes async-profiler's own flame graph (java -jar of the converter, from the
# collapsed profile to HTML, one tower per thread) in FLAMES, and io.zmtp.bench.prof.ProfileSummary
# adds up its samples per thread group (application, event loop, GC, JIT, other), which the flame
# graph leaves to the reader. The raw profiles (.collapsed) and the tools' output stay in
# bench/target/profiles/ (not committed; emptied at every run); the flame graphs are committed
# beside BENCHMARKS.md (FLAMES, emptied of its .html files at every run). It prints the Markdown
# section and writes it into
# BENCHMARKS.md between <!-- profile:begin --> and <!-- profile:end --> (placed after the Targets
# section when the markers are not there yet), leaving the rest of the file as it is.
#
# Environment (all optional):
#   THR_COUNT_16=5000000   messages per 16 B throughput run (a, and both runs of e)
#   THR_COUNT_256=2000000  messages per 256 B throughput run (b)
#   LAT_COUNT=50000        round trips of the latency run (c)
#   INPROC_COUNT=10000000  messages of the inproc_thr run (d)
#   RUN_TIMEOUT=120        seconds before one tool process is killed
#   SKIP_BUILD=1           use the existing build (bench/target/classes, bench/target/zmq_perf)
#   OUT=<file>             where to write the section (default: <repo>/BENCHMARKS.md; "-" for none)
#   FLAMES=<dir>           where the flame graphs go (default: docs/benchmarks/flamegraphs beside OUT;
#                          bench/target/profiles when OUT is "-"); the section links them from OUT
#   JAVA_OPTS              passed on to our JVMs, ahead of the profiler's -agentpath
#   JAVA_HOME              which java to run (else java on PATH)
set -euo pipefail

bench_dir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
# repo_dir, bin, zmq_perf; live_pids, forget_pid, stop_live_pids, free_port, wait_listening
# shellcheck source=lib.sh
source "$bench_dir/lib.sh"
prof_dir="$bench_dir/target/profiles"
prof_rel="bench/target/profiles"
ap_version=4.1
ap_dir="$bench_dir/target/async-profiler"
command_line="$(for v in THR_COUNT_16 THR_COUNT_256 LAT_COUNT INPROC_COUNT RUN_TIMEOUT; do
    if [[ -n ${!v:-} ]]; then printf "%s='%s' " "$v" "${!v}"; fi; done)bench/profile.sh"

THR_COUNT_16=${THR_COUNT_16:-5000000}
THR_COUNT_256=${THR_COUNT_256:-2000000}
LAT_COUNT=${LAT_COUNT:-50000}
INPROC_COUNT=${INPROC_COUNT:-10000000}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
OUT=${OUT:-$repo_dir/BENCHMARKS.md}
# A print-only run (OUT=-) leaves the committed flame graphs alone: its own go with the raw profiles.
if [[ $OUT == - ]]; then
    flame_dir=$(realpath -m "${FLAMES:-$prof_dir}")
    flame_rel=$(realpath -m --relative-to="$repo_dir" "$flame_dir")
else
    flame_dir=$(realpath -m "${FLAMES:-$(dirname "$OUT")/docs/benchmarks/flamegraphs}")
    flame_rel=$(realpath -m --relative-to="$(dirname "$OUT")" "$flame_dir")
fi
user_java_opts=${JAVA_OPTS:-}
java_bin=java
[[ -n ${JAVA_HOME:-} ]] && java_bin="$JAVA_HOME/bin/java"
# The profile pairs run plain TCP: a ZMTP_PERF_CURVE left in the caller's environment must not
# turn them into CURVE runs.
unset ZMTP_PERF_CURVE

say() {
    printf '%s\n' "$*" >&2
}

if (($# > 0)); then
    say "profile.sh takes no arguments (the environment sets its knobs; see its header)"
    exit 1
fi
for v in THR_COUNT_16 THR_COUNT_256 LAT_COUNT INPROC_COUNT RUN_TIMEOUT; do
    if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
        say "profile.sh: $v must be a positive whole number, got '${!v}'"
        exit 1
    fi
done
# The agent's options are comma-separated: a comma in the path of a profile would cut them.
if [[ $prof_dir == *,* || $ap_dir == *,* ]]; then
    say "profile.sh: the repository path must not contain a comma ($repo_dir)"
    exit 1
fi

started_at=$(date +%s)
run_date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ clean-up

section_file=""

cleanup() {
    stop_live_pids
    [[ -n $section_file ]] && rm -f "$section_file"
    return 0
}
trap cleanup EXIT
trap 'say "profile.sh: interrupted"; exit 130' INT TERM

# ------------------------------------------------------------------ build

rm -rf "$prof_dir"
mkdir -p "$prof_dir" "$flame_dir"
rm -f "$flame_dir"/*.html
if [[ -z ${SKIP_BUILD:-} ]]; then
    say "building bench (mvn -B -q -o -pl bench package -DskipTests) ..."
    if ! (cd "$repo_dir" && mvn -B -q -o -pl bench package -DskipTests) >"$prof_dir/mvn.log" 2>&1; then
        cat "$prof_dir/mvn.log" >&2
        say "profile.sh: the Maven build failed"
        exit 1
    fi
    say "building the C peer (gcc -O2 -pthread -o bench/target/zmq_perf bench/native/zmq_perf.c -lzmq) ..."
    if ! gcc -O2 -pthread -o "$zmq_perf" "$bench_dir/native/zmq_perf.c" -lzmq 2>"$prof_dir/gcc.log"; then
        cat "$prof_dir/gcc.log" >&2
        say "profile.sh: could not build the C peer (is libzmq3-dev installed?)"
        exit 1
    fi
fi
for f in "$zmq_perf" "$bench_dir/target/classpath.txt" "$bench_dir/target/classes/io/zmtp/bench/prof/ProfileSummary.class"; do
    if [[ ! -e $f ]]; then
        say "profile.sh: $f is missing; run without SKIP_BUILD"
        exit 1
    fi
done

# ------------------------------------------------------------------ async-profiler

case $(uname -m) in
    x86_64) ap_classifier=linux-x64 ;;
    aarch64) ap_classifier=linux-arm64 ;;
    *) say "profile.sh: async-profiler $ap_version has no build for $(uname -m)"; exit 1 ;;
esac
ap_artifact="tools.profiler:async-profiler:$ap_version:jar:$ap_classifier"
ap_jar="$ap_dir/async-profiler-$ap_version-$ap_classifier.jar"
# The converter turns a collapsed profile into async-profiler's HTML flame graph (jfrconv's jar).
conv_artifact="tools.profiler:jfr-converter:$ap_version"
conv_jar="$ap_dir/jfr-converter-$ap_version.jar"
if [[ ! -s $conv_jar ]]; then
    say "fetching async-profiler's converter (mvn -B -q -N dependency:copy -Dartifact=$conv_artifact) ..."
    if ! (cd "$repo_dir" && mvn -B -q -N dependency:copy -Dartifact="$conv_artifact" \
        -DoutputDirectory="$ap_dir") >"$prof_dir/mvn-jfr-converter.log" 2>&1; then
        cat "$prof_dir/mvn-jfr-converter.log" >&2
        say "profile.sh: could not fetch $conv_artifact from Maven Central (no network, and not in ~/.m2?)"
        exit 1
    fi
fi
ap_lib=$(find "$ap_dir/unpacked" -name libasyncProfiler.so -print -quit 2>/dev/null || true)
if [[ -z $ap_lib ]]; then
    if [[ ! -s $ap_jar ]]; then
        say "fetching async-profiler (mvn -B -q -N dependency:copy -Dartifact=$ap_artifact) ..."
        if ! (cd "$repo_dir" && mvn -B -q -N dependency:copy -Dartifact="$ap_artifact" \
            -DoutputDirectory="$ap_dir") >"$prof_dir/mvn-async-profiler.log" 2>&1; then
            cat "$prof_dir/mvn-async-profiler.log" >&2
            say "profile.sh: could not fetch $ap_artifact from Maven Central (no network, and not in ~/.m2?)"
            exit 1
        fi
    fi
    rm -rf "$ap_dir/unpacked"
    mkdir -p "$ap_dir/unpacked"
    if command -v unzip >/dev/null; then
        unzip -q -o "$ap_jar" -d "$ap_dir/unpacked"
    else
        (cd "$ap_dir/unpacked" && jar xf "$ap_jar")
    fi
    ap_lib=$(find "$ap_dir/unpacked" -name libasyncProfiler.so -print -quit)
    if [[ -z $ap_lib ]]; then
        say "profile.sh: $ap_jar holds no libasyncProfiler.so"
        exit 1
    fi
fi
ap_opts="start,event=cpu,interval=1ms,threads,collapsed"
# Kernel frames need perf_events and readable kernel symbols: root, or the sysctls allowing it.
declare -a notes=()
ap_check=$("$java_bin" "-agentpath:$ap_lib=check,event=cpu" -version 2>&1 || true)
if ! grep -qx OK <<<"$ap_check"; then
    say "profile.sh: async-profiler cannot sample CPU time here: $(grep -v '^openjdk\|^OpenJDK' <<<"$ap_check" | tr '\n' ' ')"
    exit 1
fi
if grep -qE '^\[(WARN|ERROR)\]' <<<"$ap_check"; then
    notes+=("async-profiler's check of event=cpu said: $(grep -E '^\[(WARN|ERROR)\]' <<<"$ap_check" | tr '\n' ' ')")
fi
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo unknown)
kptr=$(cat /proc/sys/kernel/kptr_restrict 2>/dev/null || echo unknown)
if [[ $(id -u) == 0 ]]; then
    access="perf_event_paranoid=$paranoid, kptr_restrict=$kptr, run as root (neither restricts root)"
elif [[ $paranoid =~ ^-?[0-9]+$ ]] && ((paranoid <= 1)) && [[ $kptr == 0 ]]; then
    access="perf_event_paranoid=$paranoid, kptr_restrict=$kptr: perf_events and kernel symbols open to this user"
else
    access="perf_event_paranoid=$paranoid, kptr_restrict=$kptr, not root: perf_events or kernel symbols are restricted, so kernel frames may be missing or unnamed in the flame graphs (sysctl kernel.perf_event_paranoid=1 and kernel.kptr_restrict=0 lift it)"
    notes+=("restricted profiling: $access")
fi
say "async-profiler $ap_version: $ap_lib; $access"

# ------------------------------------------------------------------ ports

# ------------------------------------------------------------------ running the tools

# A tool runs under a bash that then writes to $METER its start and end time and `times` (whose
# second line is the user and system CPU time of the tool, its child).
# shellcheck disable=SC2016
meter='t0=$EPOCHREALTIME; "$@"; rc=$?; t1=$EPOCHREALTIME; { echo "$t0 $t1"; times; } >"$METER"; exit $rc'

# meter_figures <file>: "<wall s> <CPU s>" from what the bash above wrote.
meter_figures() {
    awk 'NR == 1 { wall = $2 - $1 }
         NR == 3 { for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); cpu += p[1] * 60 + p[2] } }
         END { if (NR >= 3) printf "%.2f %.2f\n", wall, cpu }' "$1"
}

# start_tool <tag> <impl> <role> <args...>: starts one tool in the background (pid in tool_pid);
# its output goes to <tag>.out/.err in the profiles folder, its profile (ours only) to
# <tag>.collapsed. impl: ours-nio | ours-epoll | libzmq.
tool_pid=""
start_tool() {
    local tag=$1 impl=$2 role=$3
    shift 3
    local -a cmd
    case $impl in
        ours-*)
            cmd=(env "ZMTP_IO=${impl#ours-}"
                "JAVA_OPTS=${user_java_opts:+$user_java_opts }-agentpath:$ap_lib=$ap_opts,file=$prof_dir/$tag.collapsed"
                "$bin/$role")
            ;;
        libzmq) cmd=("$zmq_perf" "$role") ;;
    esac
    METER="$prof_dir/$tag.meter" timeout -k 5 "$RUN_TIMEOUT" bash -c "$meter" meter "${cmd[@]}" "$@" \
        >"$prof_dir/$tag.out" 2>"$prof_dir/$tag.err" </dev/null &
    tool_pid=$!
    live_pids+=("$tool_pid")
}

# finish_tool <pid>: waits for it; its exit status in tool_rc.
tool_rc=0
finish_tool() {
    tool_rc=0
    wait "$1" || tool_rc=$?
    forget_pid "$1"
}

declare -a failures=()
# Per scenario: the rows of its process table and the profiles to summarise ("label=file").
declare -A scenario_rows=() scenario_profiles=() scenario_result=() scenario_command=()

# record <scenario> <tag> <impl> <what it is> <rc>: a process table row, and the profile (ours).
record() {
    local scenario=$1 tag=$2 impl=$3 what=$4 rc=$5 wall="—" cpu="—" flame="—" side
    if [[ -s $prof_dir/$tag.meter ]]; then
        read -r wall cpu < <(meter_figures "$prof_dir/$tag.meter") || true
    fi
    case $impl in
        ours-nio) side="ours, NIO" ;;
        ours-epoll) side="ours, epoll" ;;
        *) side="libzmq (zmq_perf)" ;;
    esac
    if [[ $impl == ours-* ]]; then
        if [[ -s $prof_dir/$tag.collapsed ]]; then
            scenario_profiles[$scenario]+="${what%)}; $side)=$prof_rel/$tag.collapsed"$'\n'
            if flame_graph "$tag" "${scenario_title[$scenario]}: $what, $side"; then
                flame="[$tag.html]($flame_rel/$tag.html)"
            else
                failures+=("$scenario: $what: no flame graph (see $prof_rel/$tag.flame.log)")
            fi
        else
            failures+=("$scenario: $what wrote no profile (see $prof_rel/$tag.err)")
        fi
        if grep -q "epoll is not available" "$prof_dir/$tag.err" 2>/dev/null; then
            notes+=("$scenario: epoll unavailable, $what ran on NIO ($(grep -m1 -o 'epoll is not available.*' "$prof_dir/$tag.err"))")
        fi
        if grep -qE '^\[(WARN|ERROR)\]' "$prof_dir/$tag.out" "$prof_dir/$tag.err" 2>/dev/null; then
            notes+=("$scenario: async-profiler in $what said: $(grep -hE '^\[(WARN|ERROR)\]' "$prof_dir/$tag.out" "$prof_dir/$tag.err" | sort -u | sed -n 1,3p | tr '\n' ' ')")
        fi
    fi
    if ((rc != 0)); then
        local why=""
        ((rc == 124)) && why="timed out after ${RUN_TIMEOUT}s; "
        local said
        said=$({ grep -v '^\s*at ' "$prof_dir/$tag.err" 2>/dev/null || true; } | tail -n 3 | tr '\n' ' ' | cut -c1-300)
        failures+=("$scenario: $what: ${why}exit $rc${said:+; $said}")
    fi
    scenario_rows[$scenario]+="| $what | $side | $wall | $cpu | $flame |"$'\n'
}

# flame_graph <tag> <title>: async-profiler's HTML flame graph of <tag>.collapsed, into FLAMES.
flame_graph() {
    "$java_bin" -jar "$conv_jar" --title "$2" "$prof_dir/$1.collapsed" "$flame_dir/$1.html" \
        >"$prof_dir/$1.flame.log" 2>&1 && [[ -s $flame_dir/$1.html ]]
}

# profile_pair <scenario> <thr|lat> <binding impl> <connecting impl> <size> <count>
profile_pair() {
    local scenario=$1 kind=$2 bimpl=$3 cimpl=$4 size=$5 count=$6
    local brole crole bwhat cwhat btag ctag bpid cpid brc crc pattern result_tag
    if [[ $kind == thr ]]; then
        brole=local_thr crole=remote_thr bwhat="local_thr (PULL, binds, receives)" cwhat="remote_thr (PUSH, connects, sends)"
        pattern='^mean throughput: [0-9]+ \[msg/s\]'
    else
        brole=local_lat crole=remote_lat bwhat="local_lat (REP, binds, echoes)" cwhat="remote_lat (REQ, connects, times)"
        pattern='^average latency: [0-9.]+ \[us\]'
    fi
    btag="$scenario-$brole" ctag="$scenario-$crole"
    if ! free_port; then
        failures+=("$scenario: no free port")
        return 0
    fi
    scenario_command[$scenario]="\`$brole tcp://127.0.0.1:$port $size $count\` ($bimpl) and \`$crole tcp://127.0.0.1:$port $size $count\` ($cimpl)"
    say "  $scenario: $brole ($bimpl) <- $crole ($cimpl), $size B x $count, port $port ..."
    start_tool "$btag" "$bimpl" "$brole" "tcp://127.0.0.1:$port" "$size" "$count"
    bpid=$tool_pid
    if ! wait_listening "$port" "$bpid"; then
        kill -TERM -- "-$bpid" 2>/dev/null || true
        finish_tool "$bpid"
        failures+=("$scenario: $brole never listened on $port: $(tail -n 3 "$prof_dir/$btag.err" 2>/dev/null | tr '\n' ' ' || true)")
        return 0
    fi
    start_tool "$ctag" "$cimpl" "$crole" "tcp://127.0.0.1:$port" "$size" "$count"
    cpid=$tool_pid
    finish_tool "$cpid"
    crc=$tool_rc
    if ((crc != 0)); then
        # The binding side cannot finish without its peer: end it now rather than at its timeout.
        sleep 1
        kill -TERM -- "-$bpid" 2>/dev/null || true
    fi
    finish_tool "$bpid"
    brc=$tool_rc
    record "$scenario" "$btag" "$bimpl" "$bwhat" "$brc"
    record "$scenario" "$ctag" "$cimpl" "$cwhat" "$crc"
    result_tag=$ctag
    [[ $kind == thr ]] && result_tag=$btag
    scenario_result[$scenario]=$(grep -m1 -E "$pattern" "$prof_dir/$result_tag.out" || true)
}

# ------------------------------------------------------------------ the runs

cpu_model=$(grep -m1 'model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//' || true)
[[ -z $cpu_model ]] && cpu_model=$(uname -m)
java_version=$("$java_bin" -version 2>&1 || true)
java_version=${java_version%%$'\n'*}
say "machine: $(nproc) CPUs, $cpu_model, kernel $(uname -r), $java_version; load average $load_before"
say "profiling (raw profiles in $prof_rel) ..."

scenarios=(a b c d e1 e2)
declare -A scenario_title=(
    [a]="a. PUSH/PULL throughput, 16 B, ours -> ours (NIO)"
    [b]="b. PUSH/PULL throughput, 256 B, ours -> ours (NIO)"
    [c]="c. REQ/REP latency, 16 B, ours <-> ours (epoll)"
    [d]="d. inproc_thr, 16 B (NIO)"
    [e1]="e. PUSH/PULL throughput, 16 B, libzmq -> ours (NIO)"
    [e2]="e. PUSH/PULL throughput, 16 B, ours (NIO) -> libzmq"
)

# What a JVM costs before it does anything: bench/bin/perf-tool (same JVM options as the tools,
# the 1 GiB pre-touched heap included) running a main that only prints a few lines.
say "  start-up baseline: bench/bin/perf-tool io.zmtp.bench.prof.ProfileSummary --legend ..."
METER="$prof_dir/startup.meter" timeout -k 5 "$RUN_TIMEOUT" bash -c "$meter" meter env "JAVA_OPTS=$user_java_opts" \
    "$bin/perf-tool" io.zmtp.bench.prof.ProfileSummary --legend >/dev/null 2>"$prof_dir/startup.err" </dev/null || true
startup_figures=$(meter_figures "$prof_dir/startup.meter" 2>/dev/null || true)
if [[ -n $startup_figures ]]; then
    startup_text="${startup_figures% *} s wall, ${startup_figures#* } s CPU"
else
    startup_text="failed (see $prof_rel/startup.err)"
fi

profile_pair a thr ours-nio ours-nio 16 "$THR_COUNT_16"
profile_pair b thr ours-nio ours-nio 256 "$THR_COUNT_256"
profile_pair c lat ours-epoll ours-epoll 16 "$LAT_COUNT"

say "  d: inproc_thr 16 $INPROC_COUNT ..."
scenario_command[d]="\`inproc_thr 16 $INPROC_COUNT\`"
start_tool d-inproc_thr ours-nio inproc_thr 16 "$INPROC_COUNT"
finish_tool "$tool_pid"
record d d-inproc_thr ours-nio "inproc_thr (PUSH and PULL, one process)" "$tool_rc"
scenario_result[d]=$(grep -m1 -E '^mean throughput: [0-9]+ \[msg/s\]' "$prof_dir/d-inproc_thr.out" || true)

profile_pair e1 thr ours-nio libzmq 16 "$THR_COUNT_16"   # libzmq's remote_thr sends to our local_thr
profile_pair e2 thr libzmq ours-nio 16 "$THR_COUNT_16"   # our remote_thr sends to libzmq's local_thr

# The proof that kernel frames made it in, whatever the sysctls said.
if ! grep -qs '_\[k\]' "$prof_dir"/*.collapsed; then
    notes+=("no profile holds a kernel frame (\`_[k]\`): the flame graphs show no kernel code, and the time spent in the kernel is missing or attributed to the user-space frame that entered it")
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(($(date +%s) - started_at))

# ------------------------------------------------------------------ the section

summarise() { # ProfileSummary [--legend] [label=file ...], run from the repository root
    (cd "$repo_dir" && "$java_bin" -cp "$bench_dir/target/classes" io.zmtp.bench.prof.ProfileSummary "$@")
}

section_file=$(mktemp)
{
    cat <<EOF
<!-- profile:begin -->
## Where the time goes: CPU profiles

Generated by \`bench/profile.sh\`; every figure in this section comes from that run.

- command: \`$command_line\` (from the repository root), started $run_date, ${elapsed} s in all
- machine: $(nproc) CPUs (nproc), $cpu_model, kernel $(uname -sr), \`$java_version\`
- load average (1/5/15 min) before: $load_before; after: $load_after
- profiler: async-profiler $ap_version (\`$ap_artifact\` from Maven Central) in every one of our
  JVMs: \`-agentpath:libasyncProfiler.so=$ap_opts,file=...\`; flame graphs by its converter
  (\`$conv_artifact\`: \`java -jar jfr-converter-$ap_version.jar <profile>.collapsed <profile>.html\`)
- profiling access: $access
- start-up baseline, a JVM that does nearly nothing (\`bench/bin/perf-tool
  io.zmtp.bench.prof.ProfileSummary --legend\`: the tools' JVM options, no profiler): $startup_text

Each process of ours links its flame graph: async-profiler's own HTML (open it in a browser; one
tower per thread, rooted at \`[thread name]\`; click a frame to zoom, Ctrl+F to search and read the
share of the matched frames), drawn from the raw profile the run left in \`$prof_rel\` (not
committed). The table under each adds up what the flame graph leaves to the reader: the samples
per thread group. The figures are shares of CPU samples, one sample per 1 ms of CPU time a thread
used: they show where the time goes, not how fast anything is (the profiler costs time too).
Each JVM ran with the profiler from its start, so start-up (class loading, JIT compilation) is
in the profiles; shorter runs hold more of it. In the tables of processes, wall [s] is a
process's lifetime and CPU time [s] its user + system time, as the shell measured them; each of
our processes holds about the start-up baseline's CPU time, most of it (pre-touching the heap)
spent before the profiler starts, so its CPU time is more than its samples. What the tools
printed under the profiler is quoted for reference only: it is not a benchmark figure and not
comparable with the tables above.

Which profile goes with which target the Targets section marks as not met: TCP PUSH/PULL
throughput at small sizes against libzmq and JeroMQ: a, b and e (e shows which side, our
sender or our receiver, is the busier one against libzmq's); REQ/REP round trip: c; inproc
10M msg/s: d. docs/performance-notes.md reads these profiles and keeps what each change bought.

EOF
    summarise --legend
    for s in "${scenarios[@]}"; do
        echo "### ${scenario_title[$s]}"
        echo
        echo "Ran ${scenario_command[$s]:-nothing (see the failures below)}; printed under the profiler: \`${scenario_result[$s]:-nothing}\`."
        echo
        echo "| process | implementation | wall [s] | CPU time [s] | flame graph |"
        echo "| --- | --- | ---: | ---: | --- |"
        printf '%s' "${scenario_rows[$s]:-}"
        echo
        if [[ -n ${scenario_profiles[$s]:-} ]]; then
            mapfile -t profiles < <(printf '%s' "${scenario_profiles[$s]}")
            summarise "${profiles[@]}"
        fi
    done
    if ((${#notes[@]} > 0)); then
        echo "Notes from the runs:"
        echo
        printf -- '- %s\n' "${notes[@]}"
        echo
    fi
    if ((${#failures[@]} > 0)); then
        echo "Failed runs (their profiles are missing or partial):"
        echo
        printf -- '- %s\n' "${failures[@]}"
    else
        echo "Every run finished and wrote its profile."
    fi
    echo "<!-- profile:end -->"
} >"$section_file"

cat "$section_file"
say "done in ${elapsed}s; raw profiles in $prof_rel, flame graphs in $flame_rel"

# ------------------------------------------------------------------ BENCHMARKS.md

if [[ $OUT != - ]]; then
    if [[ -f $OUT ]] && grep -q '<!-- profile:begin -->' "$OUT"; then
        # Replace what is between the markers; refuse a file whose markers do not pair up.
        if [[ $(grep -c '<!-- profile:begin -->' "$OUT") != 1 || $(grep -c '<!-- profile:end -->' "$OUT") != 1 ]] ||
            (($(grep -n '<!-- profile:begin -->' "$OUT" | cut -d: -f1) > $(grep -n '<!-- profile:end -->' "$OUT" | cut -d: -f1))); then
            say "profile.sh: $OUT needs exactly one <!-- profile:begin --> followed by one <!-- profile:end -->; left unchanged"
            exit 1
        fi
        awk -v section="$section_file" '
            /<!-- profile:begin -->/ { while ((getline line < section) > 0) print line; skip = 1; next }
            /<!-- profile:end -->/ { skip = 0; next }
            !skip { print }' "$OUT" >"$OUT.tmp"
    elif [[ -f $OUT ]]; then
        # Right after the Targets section: before the next "## " heading or "<!-- " marker that
        # follows it (the Charts section's), at the end of the file when there is none, or no
        # Targets section at all.
        awk -v section="$section_file" '
            /^(## |<!-- )/ && targets && !done { while ((getline line < section) > 0) print line; print ""; done = 1 }
            /^## Targets/ { targets = 1 }
            { print }
            END { if (!done) { print ""; while ((getline line < section) > 0) print line } }' "$OUT" >"$OUT.tmp"
    else
        { printf '# Benchmarks\n\nRun `bench/compare.sh` for the comparison with libzmq and JeroMQ.\n\n'; cat "$section_file"; } >"$OUT.tmp"
    fi
    mv "$OUT.tmp" "$OUT"
    say "wrote the profile section of $OUT"
fi
if ((${#failures[@]} > 0)); then
    say "profile.sh: ${#failures[@]} run(s) failed; see the section's failure list"
    exit 1
fi
