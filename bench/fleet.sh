#!/usr/bin/env bash
# The config center's fleet benchmark (not part of CI): a real `config-center server` process, real
# agents spread over several processes, and a publisher speaking the admin protocol
# (io.zmtp.bench.fleet.FleetBench). For each store (the embedded H2 and PostgreSQL):
#   - publish -> applied latency at SMALL and LARGE agents: 1 KiB change sets, WARMUP revisions of
#     warm-up at RATE a second, then REVISIONS measured on every agent (p50/p99/p99.9/max) at RATE
#     (SMALL) or RATE_LARGE (LARGE) a second, with the server's and the agents' CPU and memory;
#   - publish throughput: durable change sets a second from 4 admin connections with 16 puts in flight
#     each, while LARGE agents stay connected and 10 readers of that namespace follow (median of runs);
#   - on PostgreSQL, failover: two replicas on one database, FAILOVER_AGENTS agents listing both;
#     kill -9 of the replica they use, a revision published through the other, and the time from the
#     kill until each of them holds it (ROUNDS rounds).
# Writes the fleet section of BENCHMARKS.md (between <!-- fleet:begin --> and <!-- fleet:end -->).
#
#   bench/fleet.sh                 the full run (about 15 minutes)
#   SMALL=20 LARGE=100 FAILOVER_AGENTS=50 REVISIONS=50 WARMUP=50 OUT=- bench/fleet.sh    a short check
#
# Environment: SMALL (100), LARGE (1000), PROCS (agent processes, 4), RATE (10 a second), RATE_LARGE (2), REVISIONS
# (200), WARMUP (300), TP_SECONDS (5), TP_RUNS (5, the first two are warm-up), FAILOVER_AGENTS
# (1000), ROUNDS (3), STORES ("h2 pg"), MVN_FLAGS (e.g. -o), OUT (default <repo>/BENCHMARKS.md; "-" for
# none). PostgreSQL: ZMTP_PG_HOST/PORT/USER/PASSWORD as for the tests (127.0.0.1:5432, zmtp/zmtp-test, a
# role with CREATEDB); each run makes a database of its own and drops it.
set -euo pipefail

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo_dir=$(dirname "$bench_dir")
SMALL=${SMALL:-100}
LARGE=${LARGE:-1000}
PROCS=${PROCS:-4}
RATE=${RATE:-10}
RATE_LARGE=${RATE_LARGE:-2}
REVISIONS=${REVISIONS:-200}
WARMUP=${WARMUP:-300}
TP_SECONDS=${TP_SECONDS:-5}
TP_RUNS=${TP_RUNS:-5}
FAILOVER_AGENTS=${FAILOVER_AGENTS:-1000}
ROUNDS=${ROUNDS:-3}
STORES=${STORES:-h2 pg}
OUT=${OUT:-$repo_dir/BENCHMARKS.md}

cd "$repo_dir"
cp_file="$bench_dir/target/fleet-classpath.txt"
# Compiles in the reactor (no install: the shared ~/.m2 is left alone) and writes bench's test classpath.
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file" -pl bench -am

work=$(mktemp -d /tmp/zmtp-fleet.XXXXXX)
trap 'rm -rf "$work"' EXIT
rows="$work/rows.md"
tsv="$work/figures.tsv"
log="$bench_dir/target/fleet.log"
: >"$log"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$SECONDS
failures=()

say() { printf '%s\n' "$*" >&2; }

cell() {  # name, then FleetBench's arguments
    local name=$1
    shift
    say "fleet: $name"
    local dir="$work/cell-$((++cell_no))"
    if ! java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -cp "$bench_dir/target/test-classes:$bench_dir/target/classes:$(cat "$cp_file")" \
        io.zmtp.bench.fleet.FleetBench --work "$dir" --out "$rows" --tsv "$tsv" "$@" >>"$log" 2>&1; then
        failures+=("$name (see bench/target/fleet.log; its work directory's *.log files were $dir)")
        say "fleet: $name FAILED"
        tail -5 "$log" >&2
        cp -r "$dir" "$bench_dir/target/fleet-failed-$cell_no" 2>/dev/null || true
    fi
}
cell_no=0

pg_ok=""
pg_note=""
if [[ " $STORES " == *" pg "* ]]; then
    if command -v pg_isready >/dev/null && pg_isready -q -h "${ZMTP_PG_HOST:-127.0.0.1}" -p "${ZMTP_PG_PORT:-5432}"; then
        pg_ok=1
    else
        pg_note="PostgreSQL at ${ZMTP_PG_HOST:-127.0.0.1}:${ZMTP_PG_PORT:-5432} did not answer: its cells were not run."
        say "fleet: $pg_note"
    fi
fi

for store in $STORES; do
    [[ $store == pg && -z $pg_ok ]] && continue
    cell "latency $store $SMALL agents" --mode latency --store "$store" --agents "$SMALL" --procs "$PROCS" \
        --rate "$RATE" --revisions "$REVISIONS" --warmup "$WARMUP"
    cell "latency $store $LARGE agents" --mode latency --store "$store" --agents "$LARGE" --procs "$PROCS" \
        --rate "$RATE_LARGE" --warmup-rate "$RATE" --revisions "$REVISIONS" --warmup "$WARMUP"
    cell "throughput $store" --mode throughput --store "$store" --agents "$LARGE" --procs "$PROCS" --readers 10 \
        --connections 4 --window 16 --seconds "$TP_SECONDS" --runs "$TP_RUNS" --warmup-runs 2
done
if [[ -n $pg_ok ]]; then
    cell "failover pg" --mode failover --store pg --agents "$FAILOVER_AGENTS" --procs "$PROCS" --rounds "$ROUNDS" \
        --heartbeat-ms 250 --failover-after-ms 1000
fi
elapsed=$((SECONDS - t0))

# ------------------------------------------------------------------ targets

figure() {  # kind store agents metric -> value, or empty
    awk -F'\t' -v k="$1" -v s="$2" -v a="$3" -v m="$4" '$1 == k && $2 == s && $3 == a && $4 == m { v = $5 } END { if (v != "") print v }' "$tsv" 2>/dev/null || true
}
verdict() {  # value op bound
    [[ -z $1 ]] && { echo "not run"; return; }
    if awk -v v="$1" -v b="$3" -v op="$2" 'BEGIN { exit !((op == "<=" && v <= b) || (op == ">=" && v >= b)) }'; then
        echo "**met** ($1)"
    else
        echo "**not met** ($1)"
    fi
}
targets=()
for store in $STORES; do
    [[ $store == pg && -z $pg_ok ]] && continue
    name=$([[ $store == h2 ]] && echo "H2" || echo "PostgreSQL")
    targets+=("$name, $LARGE agents: p99 publish -> applied <= 50 ms: $(verdict "$(figure latency "$store" "$LARGE" p99_ms)" '<=' 50)")
    targets+=("$name, $LARGE agents: max publish -> applied <= 250 ms: $(verdict "$(figure latency "$store" "$LARGE" max_ms)" '<=' 250)")
    targets+=("$name: >= 1,000 durable change sets/s: $(verdict "$(figure throughput "$store" "$LARGE" median_per_s)" '>=' 1000)")
done
if [[ -n $pg_ok ]]; then
    targets+=("PostgreSQL failover, $FAILOVER_AGENTS agents: every agent of the killed replica at the new revision within 2 s of the kill (slowest agent of the slowest round): $(verdict "$(figure failover pg "$FAILOVER_AGENTS" max_ms)" '<=' 2000)")
fi

# ------------------------------------------------------------------ the section

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
pg_version=$( { psql --version 2>/dev/null || echo "psql not found"; } | head -1)
section="$work/section.md"
{
    echo "<!-- fleet:begin -->"
    echo "## Config center: a fleet of agents"
    echo
    echo "Written by \`bench/fleet.sh\` (do not edit by hand; run it again). One \`config-center server\` process (the"
    echo "product's launcher class, heartbeat 1 s) on its embedded H2 store or on PostgreSQL, the agents (real"
    echo "\`ConfigAgent\`s, PLAIN, each with its cache directory) spread over $PROCS processes, and a publisher speaking the"
    echo "admin protocol over its own DEALER. Everything on this machine, over TCP on 127.0.0.1."
    echo
    echo "- Run: \`bench/fleet.sh\` (SMALL=$SMALL LARGE=$LARGE PROCS=$PROCS RATE=$RATE RATE_LARGE=$RATE_LARGE REVISIONS=$REVISIONS WARMUP=$WARMUP"
    echo "  TP_SECONDS=$TP_SECONDS TP_RUNS=$TP_RUNS FAILOVER_AGENTS=$FAILOVER_AGENTS ROUNDS=$ROUNDS), started $started, took ${elapsed} s"
    echo "- Commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':(exclude)BENCHMARKS.md' 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "- Machine: $cpu, $(nproc) CPUs, $mem RAM, $(uname -sr), $(java -version 2>&1 | head -1); $pg_version"
    [[ -n $pg_note ]] && echo "- $pg_note"
    echo
    echo "**Latency.** Each revision is a 1 KiB change set (a \`sent\` key holding the publisher's wall clock and a"
    echo "1,000-byte value that changes every time), published at a steady rate ($RATE a second to $SMALL agents, $RATE_LARGE a"
    echo "second to $LARGE: at $RATE a second the $LARGE agents' own CPU, all on this machine's two cores, would be most"
    echo "of the machine; the warm-up runs at $RATE a second and is let settle before the clock starts), one put at a time, each acknowledged"
    echo "only once it is durable (H2: forced to the revision journal; PostgreSQL: committed). An agent records the"
    echo "wall clock when it has applied the revision (cache written, listeners called); publish -> applied is the"
    echo "difference, for every agent and every measured revision (the warm-up revisions are not counted). \"ack\" is"
    echo "the publisher's put round trip. Server CPU: user + system time of the server process (every thread, JIT and"
    echo "GC included) while idle with all agents connected (heartbeats and reports), over 5 s after the run, and per"
    echo "measured revision above that idle cost; the agents' CPU is that of all their processes together, per revision"
    echo "above their idle cost too; RSS before the agents connected and after the run."
    echo
    echo "| cell | store | agents | agent processes | published | ack p50 / p99 [ms] | samples | p50 [ms] | p99 [ms] | p99.9 [ms] | max [ms] | server CPU idle [%] | server CPU per revision [ms] | agents' CPU per revision [ms] | server RSS [MiB] | digest on every agent |"
    echo "| --- | --- | ---: | ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
    grep '^| latency ' "$rows" 2>/dev/null || true
    echo
    echo "**Throughput.** Durable change sets a second: 4 admin connections, each keeping 16 puts in flight (a put"
    echo "is answered after its revision is durable), for $TP_SECONDS s after one second of warm-up; $TP_RUNS runs, the"
    echo "first two a warm-up of the JIT (shown in brackets), the median of the others the figure; the server commits the puts that"
    echo "arrive together as one group (one journal flush,"
    echo "or one PostgreSQL transaction). The $LARGE agents stay connected on their namespace; 10 readers follow the"
    echo "published one and end at its last revision with the server's digest."
    echo
    echo "| cell | store | agents connected | publishers | runs | change sets/s (median) | each run | last revision | readers' digest |"
    echo "| --- | --- | --- | --- | --- | ---: | --- | ---: | --- |"
    grep '^| throughput ' "$rows" 2>/dev/null || true
    if [[ -n $pg_ok ]]; then
        echo
        echo "**Failover.** Each round starts two replicas on one PostgreSQL database (heartbeat 250 ms) and the agents"
        echo "afresh, half of the agent processes listing replica A first and half replica B (failover after 1 s of"
        echo "silence), publishes 100 revisions through both (so that both serve and are warm), then kills (SIGKILL) A,"
        echo "publishes one revision through B right after, and times, for every agent that was using A at the kill, the"
        echo "kill -> applied interval. (Agents that found their first server too slow to answer while the whole fleet"
        echo "started had moved to B already; the count in brackets is how many were on A.)"
        echo
        echo "| cell | store | agents | agent processes | heartbeat / failover after | rounds | per round: median / max [ms] (agents on the killed replica) | median of the rounds' max [ms] | max [ms] |"
        echo "| --- | --- | ---: | ---: | --- | ---: | --- | ---: | ---: |"
        grep '^| failover ' "$rows" 2>/dev/null || true
    fi
    echo
    echo "**Targets** (issues 18 and 19, on this 2-core machine):"
    echo
    for t in "${targets[@]}"; do
        echo "- $t"
    done
    echo
    echo "For comparison (other machines and setups, not run here): Nacos' configuration performance report"
    echo "(<https://nacos.io/en/docs/v1/nacos-config-benchmark/>; Nacos 0.8.0 on 8-core, 16 GB servers with a"
    echo "32-core database server) gives about 1,400 published configurations a second on one stand-alone node."
    echo "Apollo's design document (<https://github.com/apolloconfig/apollo/wiki/Apollo%E9%85%8D%E7%BD%AE%E4%B8%AD%E5%BF%83%E8%AE%BE%E8%AE%A1>)"
    echo "describes the push as an HTTP long poll answered on change, with a pull every 5 minutes as the fallback;"
    echo "it publishes no latency distribution."
    if ((${#failures[@]} > 0)); then
        echo
        echo "**Failed cells:**"
        for f in "${failures[@]}"; do
            echo "- $f"
        done
    fi
    echo "<!-- fleet:end -->"
} >"$section"

cat "$section"
if [[ $OUT != - ]]; then
    if [[ -f $OUT ]] && grep -q '<!-- fleet:begin -->' "$OUT"; then
        awk -v section="$section" '
            /<!-- fleet:begin -->/ { while ((getline line < section) > 0) print line; skip = 1; next }
            /<!-- fleet:end -->/ { skip = 0; next }
            !skip { print }' "$OUT" >"$OUT.tmp"
    elif [[ -f $OUT ]]; then
        { cat "$OUT"; echo; cat "$section"; } >"$OUT.tmp"
    else
        { printf '# Benchmarks\n\n'; cat "$section"; } >"$OUT.tmp"
    fi
    mv "$OUT.tmp" "$OUT"
    say "fleet: wrote the fleet section of $OUT"
fi
((${#failures[@]} == 0))
